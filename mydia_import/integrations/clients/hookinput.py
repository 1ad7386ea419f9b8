"""What each download client passes to its hook, checked and turned into a `Download`.

The checks are the support cases of every hook-driven importer: a placeholder
the client never filled in (`%F`, `$TR_TORRENT_DIR`), an empty value, the
filesystem root, a path that is not there (often a Docker path: see
`[[path_map]]`). Each failure is one line that names the client, the value and
what to change.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from mydia_import.errors import MydiaImportError, UsageError
from mydia_import.integrations.clients import Download
from mydia_import.integrations.pathmap import PathMap

CLIENT_NAMES = {"qbittorrent": "qBittorrent", "transmission": "Transmission", "deluge": "Deluge",
                "sabnzbd": "SABnzbd", "nzbget": "NZBGet"}

# %F (qBittorrent, uTorrent), $TR_TORRENT_DIR or ${TR_TORRENT_DIR} (shell variables).
_PLACEHOLDER = re.compile(r"%[A-Za-z]\b|\$\{?[A-Za-z_][A-Za-z0-9_]*\}?")
_ONLY_PLACEHOLDER = re.compile(r"^(%[A-Za-z]|\$\{?[A-Za-z_][A-Za-z0-9_]*\}?)$")

SAB_STATUS = {"1": "verification failed", "2": "unpacking failed", "3": "verification and unpacking failed",
              "-1": "the download failed"}


class Skip(Exception):
    """Nothing to import, for a reason the client should show (not an error)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class MissingDownload(MydiaImportError):
    """The client named a download that is not on disk (here)."""


def qbittorrent(paths: PathMap, *, content_path: str, root_path: str | None = None,
                save_path: str | None = None, name: str | None = None, category: str | None = None,
                tags: str | None = None, info_hash: str | None = None) -> Download:
    client = "qbittorrent"
    for option, value in (("--root-path", root_path), ("--save-path", save_path), ("--name", name),
                          ("--category", category), ("--tags", tags), ("--hash", info_hash)):
        _reject_placeholder(client, option, value)
    content = _local_path(client, "--content-path", content_path, paths, '"%F"')
    save = paths.apply(save_path) if save_path else None
    if save is not None and _same(content, Path(save)):
        raise UsageError(
            f"hook qbittorrent: the content path {content} is the save path: the torrent has no folder "
            "of its own, so it cannot be told apart from the other downloads there; in qBittorrent set "
            "Options → Downloads → Torrent content layout to \"Create subfolder\" (or \"Original\")"
        )
    target = content
    # A single file inside the torrent's folder: import the folder, so its name counts as evidence.
    if root_path and root_path.strip():
        root = Path(os.path.abspath(paths.apply(root_path)))
        if root != content and content.is_relative_to(root) and root.is_dir():
            target = root
    labels = [category or "", *(tags or "").split(",")]
    return Download(client, target, name=name or None, id=_hash(info_hash),
                    categories=_clean(labels), reported=content_path)


def transmission(paths: PathMap, environ: Mapping[str, str]) -> Download:
    client = "transmission"
    folder = _required_env(client, environ, "TR_TORRENT_DIR")
    name = _required_env(client, environ, "TR_TORRENT_NAME")
    reported = f"{folder.rstrip('/')}/{name}"
    for variable in ("TR_TORRENT_DIR", "TR_TORRENT_NAME"):
        _reject_placeholder(client, variable, environ[variable], path=True)
    # TR_TORRENT_TRACKERS holds private passkeys: it is never read, so never logged.
    path = _local_path(client, "TR_TORRENT_DIR/TR_TORRENT_NAME", reported, paths, None)
    return Download(client, path, name=name, id=_hash(environ.get("TR_TORRENT_HASH")),
                    categories=_clean(environ.get("TR_TORRENT_LABELS", "").split(",")), reported=reported)


def deluge(paths: PathMap, torrent_id: str, name: str, save_path: str) -> Download:
    client = "deluge"
    for label, value in (("TORRENT_ID", torrent_id), ("NAME", name), ("SAVE_PATH", save_path)):
        _reject_placeholder(client, label, value, path=label == "SAVE_PATH")
        if not value.strip():
            raise UsageError(f"hook deluge: {label} is empty; the Execute plugin passes the torrent id, "
                             "name and save path: check the wrapper script passes \"$@\"")
    reported = f"{save_path.rstrip('/')}/{name}"
    path = _local_path(client, "SAVE_PATH/NAME", reported, paths, None)
    return Download(client, path, name=name, id=_hash(torrent_id), reported=reported)


def sabnzbd(paths: PathMap, environ: Mapping[str, str], args: Sequence[str]) -> Download:
    """SAB_* variables, else SABnzbd's positional arguments (1 dir, 3 name, 5 category, 7 status)."""
    client = "sabnzbd"

    def value(variable: str, position: int) -> str | None:
        if variable in environ:
            return environ[variable]
        return args[position - 1] if len(args) >= position else None

    status = (value("SAB_PP_STATUS", 7) or "0").strip()
    name = value("SAB_FINAL_NAME", 3)
    if status not in ("", "0"):
        why = SAB_STATUS.get(status, f"status {status}")
        raise Skip(f"not imported: SABnzbd post-processing failed ({why})")
    folder = value("SAB_COMPLETE_DIR", 1)
    if folder is None:
        raise UsageError("hook sabnzbd: neither SAB_COMPLETE_DIR nor a first argument was given; "
                         "this command is SABnzbd's post-processing script")
    path = _local_path(client, "SAB_COMPLETE_DIR", folder, paths, None)
    nzo = environ.get("SAB_NZO_ID")
    return Download(client, path, name=name or None, id=nzo or None,
                    categories=_clean([value("SAB_CAT", 5) or ""]), reported=folder)


def nzbget(paths: PathMap, environ: Mapping[str, str]) -> Download:
    client = "nzbget"
    status = environ.get("NZBPP_TOTALSTATUS", "SUCCESS").strip().upper()
    if status != "SUCCESS":
        raise Skip(f"not imported: NZBGet reports the download as {status} ({environ.get('NZBPP_STATUS', '?')})")
    folder = environ.get("NZBPP_FINALDIR") or _required_env(client, environ, "NZBPP_DIRECTORY")
    _reject_placeholder(client, "NZBPP_DIRECTORY", folder, path=True)
    local = Path(os.path.abspath(paths.apply(folder))) if folder.strip() else None
    if local is not None and local != Path(local.anchor) and not local.exists():
        # "Post-process again" after the files were moved: nothing left to do (exit 95).
        raise Skip(f"nothing to import: {local} is gone (imported or removed already?)")
    path = _local_path(client, "NZBPP_DIRECTORY", folder, paths, None)
    return Download(client, path, name=environ.get("NZBPP_NZBNAME") or None,
                    id=environ.get("NZBPP_NZBID") or None,
                    categories=_clean([environ.get("NZBPP_CATEGORY", "")]), reported=folder)


def filtered_out(download: Download, wanted: Sequence[str], ignored: Sequence[str]) -> str | None:
    """Why the config says not to import this download, or None to import it."""
    have = {c.casefold(): c for c in download.categories}
    for category in ignored:
        if category.casefold() in have:
            return f"not imported: its category {have[category.casefold()]!r} is in [{download.client}] ignore"
    if wanted and not any(category.casefold() in have for category in wanted):
        shown = ", ".join(repr(c) for c in download.categories) or "none"
        return (f"not imported: its categories ({shown}) are not in [{download.client}] categories "
                f"({', '.join(wanted)})")
    return None


# -- checks -------------------------------------------------------------------------------


def _local_path(client: str, label: str, raw: str | None, paths: PathMap, placeholder: str | None) -> Path:
    """The download's path here: present, not a placeholder, not empty, not the root."""
    name = CLIENT_NAMES[client]
    if raw is None or not raw.strip():
        hint = f" ({name} fills it in from {placeholder})" if placeholder else ""
        raise UsageError(f"hook {client}: {label} is empty{hint}; check how {name} calls mydia-import")
    mapped = paths.apply(raw)
    path = Path(os.path.abspath(mapped))
    if path == Path(path.anchor):
        raise UsageError(f"hook {client}: refusing to import {path} (the filesystem root) given as {label}; "
                         f"{name} must pass the download's own folder or file")
    if not os.path.lexists(path):
        if _PLACEHOLDER.search(raw):
            raise UsageError(_placeholder_message(client, label, raw))
        mapped_note = f" (mapped from {raw})" if mapped != raw else ""
        raise MissingDownload(
            f"hook {client}: the download {path}{mapped_note} does not exist here; if {name} runs in "
            "Docker or on another machine, add a [[path_map]] entry (remote = its path prefix, "
            "local = the same folder here)"
        )
    return path


def _reject_placeholder(client: str, label: str, value: str | None, *, path: bool = False) -> None:
    if value is None:
        return
    if _ONLY_PLACEHOLDER.match(value.strip()) or (path and value.startswith(("%", "$")) and _PLACEHOLDER.match(value)):
        raise UsageError(_placeholder_message(client, label, value))


def _placeholder_message(client: str, label: str, value: str) -> str:
    name = CLIENT_NAMES[client]
    return (f"hook {client}: {label} is {value!r}, a placeholder {name} did not fill in; enter the command "
            f"where {name} substitutes it (see docs/how-to/{client}.md), with each placeholder in double quotes")


def _required_env(client: str, environ: Mapping[str, str], variable: str) -> str:
    if variable not in environ:
        raise UsageError(f"hook {client}: {variable} is not set; this command is meant to be run by "
                         f"{CLIENT_NAMES[client]} (see docs/how-to/{client}.md)")
    return environ[variable]


def _hash(value: str | None) -> str | None:
    value = (value or "").strip()
    return value.lower() if value and value != "-" else None


def _clean(labels: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(label.strip() for label in labels if label.strip()))


def _same(a: Path, b: Path) -> bool:
    return Path(os.path.abspath(a)) == Path(os.path.abspath(b))
