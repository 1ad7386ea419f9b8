"""Clean-up in the download client after an import, as the config asks.

`[qbittorrent] cleanup` / `[transmission] cleanup`:
- `never` (default): the torrent is left alone.
- `after-import`: right after a successful import.
- `when-seeded`: once the client has stopped the torrent at its ratio or
  seeding-time goal; until then it is remembered (`import_pending_cleanups`) and
  every later run checks it again.

What clean-up does: tag or categorise the torrent (`imported_tag`,
`imported_category`) when one is set; otherwise remove the torrent, keeping its
files unless `delete_data = true`. A client that cannot be reached is a
warning, never a failed import; the torrent is then checked again later.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from mydia_import.errors import MydiaImportError
from mydia_import.integrations.clients import CLEANUP_CLIENTS, Cleanup, Download
from mydia_import.integrations.clients.api import ClientError, TorrentClient
from mydia_import.library import pending
from mydia_import.models import Action, Report, Status


@dataclass(frozen=True)
class Policy:
    when: Cleanup
    delete_data: bool
    tag: str | None
    category: str | None

    def what(self) -> str:
        if self.category or self.tag:
            marks = [f"category {self.category!r}" if self.category else "", f"tag {self.tag!r}" if self.tag else ""]
            return "set " + " and ".join(m for m in marks if m)
        return "removed" + (" with its files" if self.delete_data else " (its files were kept)")


@dataclass
class Outcome:
    """What clean-up did: lines to show, and warnings (not errors)."""

    messages: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


Connector = Callable[[str, object], TorrentClient]


def policy(settings, client: str) -> Policy:
    return Policy(
        when=getattr(settings, f"{client}_cleanup"),
        delete_data=getattr(settings, f"{client}_delete_data"),
        tag=getattr(settings, f"{client}_imported_tag"),
        category=getattr(settings, "qbittorrent_imported_category", None) if client == "qbittorrent" else None,
    )


def connect(client: str, settings) -> TorrentClient:
    """The client's web API, logged in with the configured credentials."""
    password = _password(client, settings)
    url = getattr(settings, f"{client}_url")
    username = getattr(settings, f"{client}_username")
    if client == "qbittorrent":
        from mydia_import.integrations.clients.qbittorrent import Qbittorrent

        return Qbittorrent(url, username, password)
    from mydia_import.integrations.clients.transmission import Transmission

    return Transmission(url, username, password)


def after_import(download: Download, report: Report, settings, library,
                 connector: Connector = connect) -> Outcome:
    """Clean up the torrent of a hook run that imported it, when the config asks for it."""
    outcome = Outcome()
    if download.client not in CLEANUP_CLIENTS or report.dry_run:
        return outcome
    rule = policy(settings, download.client)
    if rule.when is Cleanup.NEVER:
        return outcome
    if not _imported(report):
        outcome.messages.append("clean-up: the torrent is left in the client, as its import is not complete")
        return outcome
    if download.id is None:
        outcome.warnings.append(f"clean-up skipped: {download.client} passed no torrent hash "
                                "(qBittorrent: --hash \"%I\"; Transmission: TR_TORRENT_HASH)")
        return outcome
    if rule.delete_data and any(f.action is Action.SYMLINK for f in report.files if f.status is Status.IMPORTED):
        outcome.warnings.append("clean-up keeps the torrent's files: the library symlinks to them "
                                "(delete_data is ignored with --mode symlink)")
        rule = Policy(rule.when, False, rule.tag, rule.category)
    try:
        api = connector(download.client, settings)
    except MydiaImportError as error:
        _unreachable(library, download.client, download.id, download.name, report.job_id, error, outcome)
        return outcome
    try:
        _clean(api, download.client, download.id, download.name, rule, library, report.job_id, outcome,
               force=rule.when is Cleanup.AFTER_IMPORT)
    finally:
        api.close()
    return outcome


def recheck(settings, library, connector: Connector = connect, *, skip: tuple[str, str] | None = None) -> Outcome:
    """Check the torrents earlier runs left for clean-up; clean up those whose time has come."""
    outcome = Outcome()
    rows = pending.pending(library)
    for client in dict.fromkeys(row.client for row in rows):
        rule = policy(settings, client) if client in CLEANUP_CLIENTS else None
        mine = [row for row in rows if row.client == client and (client, row.download_id) != skip]
        if rule is None or rule.when is Cleanup.NEVER:
            for row in mine:  # the config no longer asks for clean-up
                pending.done(library, client, row.download_id)
            continue
        if not mine:
            continue
        try:
            api = connector(client, settings)
        except MydiaImportError as error:
            outcome.warnings.append(f"{error.message}; {len(mine)} torrent(s) wait for clean-up")
            continue
        try:
            for row in mine:
                _clean(api, client, row.download_id, row.name, rule, library, row.job_id, outcome,
                       force=rule.when is Cleanup.AFTER_IMPORT)
        finally:
            api.close()
    return outcome


def _clean(api: TorrentClient, client: str, torrent_id: str, name: str | None, rule: Policy, library,
           job_id: str | None, outcome: Outcome, *, force: bool) -> None:
    label = name or torrent_id
    try:
        state = api.state(torrent_id)
        if not state.found:
            pending.done(library, client, torrent_id)
            outcome.messages.append(f"clean-up: {label} is no longer in {api.name}")
            return
        label = name or state.name or torrent_id
        if not (force or state.seeded):
            pending.add(library, client, torrent_id, name=label, job_id=job_id,
                        reason=f"waiting for its seed goal ({state.state})")
            outcome.messages.append(f"clean-up: {label} keeps seeding ({state.state}); a later run "
                                    f"cleans it up once {api.name} stops it at its seed goal")
            return
        if rule.category or rule.tag:
            api.mark(torrent_id, tag=rule.tag, category=rule.category)
        else:
            api.remove(torrent_id, rule.delete_data)
    except MydiaImportError as error:
        _unreachable(library, client, torrent_id, label, job_id, error, outcome)
        return
    pending.done(library, client, torrent_id)
    outcome.messages.append(f"clean-up: {api.name} torrent {label} {rule.what()}")


def _unreachable(library, client: str, torrent_id: str, name: str | None, job_id: str | None,
                 error: MydiaImportError, outcome: Outcome) -> None:
    pending.add(library, client, torrent_id, name=name, job_id=job_id, reason=f"client error: {error.message}")
    outcome.warnings.append(f"{error.message}; the torrent is left as it is and checked again by the next run")


def _imported(report: Report) -> bool:
    """The import succeeded: every eligible file is in the library and at least one video is."""
    if report.exit_code() != 0:
        return False
    return any(f.status in (Status.IMPORTED, Status.ALREADY_IMPORTED) and f.kind == "video" for f in report.files)


def _password(client: str, settings) -> str | None:
    password = getattr(settings, f"{client}_password")
    path: Path | None = getattr(settings, f"{client}_password_file")
    if password is None and path is not None:
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError as error:
            raise ClientError(f"cannot read [{client}] password_file {path}: {error.strerror or error}") from None
        password = lines[0].strip() if lines else ""
    return password
