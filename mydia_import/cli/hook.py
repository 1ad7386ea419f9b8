"""`hook CLIENT`: the entry points download clients call when a download finishes,
and what every real run does afterwards (log file, clean-up of torrents left
for later, media-server refresh, notifications).

Each hook imports the one download it is told about with the configured mode,
prints what its client can show, and exits with the codes that client reads:
the contract's 0/1/2/3/4 for qBittorrent, Transmission and Deluge (which
ignore them), 0/1 and a last line to display for SABnzbd, 93/94/95 for NZBGet.
"""

from __future__ import annotations

import dataclasses
import os
import sys
from collections.abc import Callable
from typing import Annotated

import typer

from mydia_import.cli._app import JsonFlag, QuietFlag, VerboseFlag, app, env_of
from mydia_import.errors import MydiaImportError
from mydia_import.integrations.clients import Download
from mydia_import.models import Report, Status

hook_app = typer.Typer(
    help="Entry points for download clients: import the download that just finished.",
    no_args_is_help=True, rich_markup_mode=None,
)
app.add_typer(hook_app, name="hook")

NZBGET_SUCCESS, NZBGET_FAILURE, NZBGET_NOTHING = 93, 94, 95

DryRunFlag = Annotated[bool, typer.Option("--dry-run", help="Decide everything and print the plan; change nothing.")]


# -- the commands -----------------------------------------------------------------------------


@hook_app.command("qbittorrent")
def qbittorrent(
    ctx: typer.Context,
    content_path: Annotated[str, typer.Option(
        "--content-path", metavar="PATH", help='The content path ("%F"): the file or folder.')],
    name: Annotated[str | None, typer.Option("--name", metavar="NAME", help='The torrent name ("%N").')] = None,
    root_path: Annotated[str | None, typer.Option("--root-path", metavar="PATH", help='The root path ("%R").')] = None,
    save_path: Annotated[str | None, typer.Option("--save-path", metavar="PATH", help='The save path ("%D").')] = None,
    category: Annotated[str | None, typer.Option("--category", metavar="NAME", help='The category ("%L").')] = None,
    tags: Annotated[str | None, typer.Option(
        "--tags", metavar="LIST", help='The tags, comma-separated ("%G").')] = None,
    info_hash: Annotated[str | None, typer.Option("--hash", metavar="HASH", help='The info-hash v1 ("%I").')] = None,
    dry_run: DryRunFlag = False,
    json_mode: JsonFlag = False, quiet: QuietFlag = False, verbose: VerboseFlag = False,
) -> None:
    """qBittorrent's "Run external program on torrent finished"."""
    from mydia_import.integrations.clients import hookinput

    _hook(ctx, "qbittorrent", dry_run, json_mode, quiet, verbose, lambda paths: hookinput.qbittorrent(
        paths, content_path=content_path, root_path=root_path, save_path=save_path, name=name,
        category=category, tags=tags, info_hash=info_hash))


@hook_app.command("transmission")
def transmission(
    ctx: typer.Context, dry_run: DryRunFlag = False,
    json_mode: JsonFlag = False, quiet: QuietFlag = False, verbose: VerboseFlag = False,
) -> None:
    """Transmission's script-torrent-done-filename: reads TR_TORRENT_DIR, TR_TORRENT_NAME, TR_TORRENT_HASH,
    TR_TORRENT_LABELS."""
    from mydia_import.integrations.clients import hookinput

    _hook(ctx, "transmission", dry_run, json_mode, quiet, verbose,
          lambda paths: hookinput.transmission(paths, os.environ))


@hook_app.command("deluge")
def deluge(
    ctx: typer.Context,
    torrent_id: Annotated[str, typer.Argument(help="The torrent id (its info-hash).", show_default=False)],
    name: Annotated[str, typer.Argument(help="The torrent name.", show_default=False)],
    save_path: Annotated[str, typer.Argument(help="The save path (the download is SAVE_PATH/NAME).",
                                             show_default=False)],
    dry_run: DryRunFlag = False,
    json_mode: JsonFlag = False, quiet: QuietFlag = False, verbose: VerboseFlag = False,
) -> None:
    """Deluge's Execute plugin ("Torrent Complete"): TORRENT_ID NAME SAVE_PATH."""
    from mydia_import.integrations.clients import hookinput

    _hook(ctx, "deluge", dry_run, json_mode, quiet, verbose,
          lambda paths: hookinput.deluge(paths, torrent_id, name, save_path))


# SABnzbd passes a status of -1 for a failed job: not an option.
@hook_app.command("sabnzbd", context_settings={"ignore_unknown_options": True})
def sabnzbd(
    ctx: typer.Context,
    args: Annotated[list[str] | None, typer.Argument(
        help="SABnzbd's positional arguments, used where its SAB_* variables are missing.", show_default=False,
    )] = None,
    dry_run: DryRunFlag = False,
    json_mode: JsonFlag = False, quiet: QuietFlag = False, verbose: VerboseFlag = False,
) -> None:
    """SABnzbd's post-processing script: reads SAB_COMPLETE_DIR, SAB_FINAL_NAME, SAB_CAT, SAB_PP_STATUS."""
    from mydia_import.integrations.clients import hookinput

    _hook(ctx, "sabnzbd", dry_run, json_mode, quiet, verbose,
          lambda paths: hookinput.sabnzbd(paths, os.environ, args or []))


@hook_app.command("nzbget")
def nzbget(
    ctx: typer.Context, dry_run: DryRunFlag = False,
    json_mode: JsonFlag = False, quiet: QuietFlag = False, verbose: VerboseFlag = False,
) -> None:
    """NZBGet's post-processing extension: reads NZBPP_DIRECTORY, NZBPP_NZBNAME, NZBPP_CATEGORY,
    NZBPP_TOTALSTATUS; exits 93, 94 or 95."""
    from mydia_import.integrations.clients import hookinput

    _hook(ctx, "nzbget", dry_run, json_mode, quiet, verbose, lambda paths: hookinput.nzbget(paths, os.environ))


# -- one hook run -----------------------------------------------------------------------------


def _hook(ctx: typer.Context, client: str, dry_run: bool, json_mode: bool, quiet: bool, verbose: bool,
          read: Callable) -> None:
    from mydia_import.integrations.clients import hookinput
    from mydia_import.integrations.logfile import RunLog
    from mydia_import.integrations.pathmap import PathMap

    env = env_of(ctx, json_mode, quiet, verbose)
    out = _Output(client, env)
    log = RunLog(None)
    try:
        settings = env.settings()
        log = RunLog.from_settings(settings, tag=f"hook {client}: ")
        download = read(PathMap.of((str(e["remote"]), str(e["local"])) for e in settings.path_maps))
        log.begin(f"{download.label()} ({download.id or 'no id'}) -> {download.path}")
        reason = hookinput.filtered_out(download, getattr(settings, f"{client}_categories", ()),
                                        getattr(settings, f"{client}_ignore", ()))
        if reason:
            raise hookinput.Skip(reason)
        report = _import(env, settings, download, dry_run, log)
    except hookinput.Skip as skip:
        log.info(skip.message)
        log.close()
        out.skipped(skip.message)
    except MydiaImportError as error:
        log.error(error.message)
        log.close()
        out.failed(error)
    else:
        notes = follow_up(env, settings, report, log, download=download)
        log.close()
        out.done(report, download, notes)


def _import(env, settings, download: Download, dry_run: bool, log) -> Report:
    from mydia_import.execute import importer

    arguments = {"client": download.client, "download_id": download.id, "name": download.name,
                 "categories": list(download.categories), "path": str(download.path),
                 "reported_path": download.reported, "mode": str(settings.mode),
                 "conflict": str(settings.conflict), "dry_run": dry_run}
    # Which client and torrent each new file came from, in its media_files.metadata.
    origin = {"download_client": download.client, "download_client_id": download.id}
    request = importer.Request(paths=(download.path,), mode=settings.mode, conflict=settings.conflict,
                               scan=False, dry_run=dry_run, command=f"hook {download.client}",
                               arguments=arguments, metadata=origin)
    library = env.library()
    report = importer.run(request, settings, library, listener=None if dry_run else log.listener(None))
    log.report(report)
    return report


# -- after every real run ---------------------------------------------------------------------


@dataclasses.dataclass
class Notes:
    messages: list[str] = dataclasses.field(default_factory=list)
    warnings: list[str] = dataclasses.field(default_factory=list)

    def add(self, messages, warnings) -> None:
        self.messages += messages
        self.warnings += warnings


def run_logged(env, request, settings, library, ui) -> Report:
    """`importer.run` for `scan` and `import`, with the log file's lines; then `follow_up`."""
    from mydia_import.execute import importer
    from mydia_import.integrations.logfile import RunLog, describe_command

    log = RunLog.from_settings(settings, tag=f"{request.command}: ")
    log.begin(describe_command(sys.argv))
    try:
        listener = None if request.dry_run else log.listener(ui.listener())
        report = importer.run(request, settings, library, listener=listener)
    except MydiaImportError as error:
        log.error(error.message)
        log.close()
        raise
    log.report(report)
    try:
        notes = follow_up(env, settings, report, log, command=request.command)
    finally:
        log.close()
    _show_notes(env, notes)
    return report


def follow_up(env, settings, report: Report, log, download: Download | None = None, command: str = "") -> Notes:
    """Clean-up, refresh, notify: each failure is a warning, never a failed run."""
    notes = Notes(warnings=list(report.warnings))  # the run's own (a metadata provider that failed)
    if report.dry_run:
        return notes
    from mydia_import.integrations.clients import cleanup

    library = env.library()
    skip = None
    if download is not None:
        done = cleanup.after_import(download, report, settings, library)
        notes.add(done.messages, done.warnings)
        skip = (download.client, download.id) if download.id else None
    later = cleanup.recheck(settings, library, skip=skip)
    notes.add(later.messages, later.warnings)
    # mediaserver and notify are imported only when configured: a hook that finds nothing to do
    # should start and end at once.
    if settings.media_servers:
        from mydia_import.integrations import media_servers

        folders = media_servers.touched_folders(report)
        if folders:
            notes.add(*media_servers.refresh_all(settings.media_servers, folders))
    if settings.notify_urls:
        from mydia_import.integrations import notify
    if settings.notify_urls and notify.wanted(report, settings.notify_when):
        command = f"hook {download.client}" if download else command
        title, body = notify.summary(report, command, [*notes.messages, *notes.warnings])
        warning = notify.send(settings.notify_urls, title, body, failed=report.count(Status.FAILED) > 0)
        if warning:
            notes.warnings.append(warning)
    for message in notes.messages:
        log.info(message)
    for warning in notes.warnings:
        log.warning(warning)
    return notes


def _show_notes(env, notes: Notes) -> None:
    ui = env.ui()
    if ui.quiet:
        return
    for warning in notes.warnings:
        ui.err.print(f"warning: {warning}", markup=False, highlight=False)
    if env.verbose:
        for message in notes.messages:
            ui.err.print(message, markup=False, highlight=False)


# -- what each client gets to see -------------------------------------------------------------


class _Output:
    def __init__(self, client: str, env):
        self.client = client
        self.env = env

    def skipped(self, message: str) -> None:
        ui = self.env.ui()
        if self.env.json_mode:
            ui.emit_json({"skipped": message, "files": [], "job": None})
        elif self.client == "nzbget":
            print(f"[INFO] {message}", flush=True)
        elif not ui.quiet:
            print(message, flush=True)
        raise typer.Exit(NZBGET_NOTHING if self.client == "nzbget" else 0)

    def failed(self, error: MydiaImportError) -> None:
        if self.client == "nzbget":
            print(f"[ERROR] {error.message}", flush=True)
            raise typer.Exit(NZBGET_FAILURE)
        if self.client == "sabnzbd":
            print(f"Failed: {error.message}", flush=True)
            raise typer.Exit(1)
        raise error  # the CLI prints `error: ...` with the contract's exit code

    def done(self, report: Report, download: Download, notes: Notes) -> None:
        ui = self.env.ui()
        code = report.exit_code()
        if self.env.json_mode:
            ui.emit_json({"download": download.to_json(), **report.to_json(),
                          "messages": notes.messages, "warnings": notes.warnings})
        elif self.client == "nzbget":
            for f in report.files:
                if f.status is Status.FAILED or (f.status is Status.SKIPPED and f.expected):
                    print(f"[{'ERROR' if f.status is Status.FAILED else 'WARNING'}] {f.source}: {f.reason}")
            for message in notes.messages:
                print(f"[INFO] {message}")
            for warning in notes.warnings:
                print(f"[WARNING] {warning}")
            print(f"[INFO] {_one_line(report, download)}", flush=True)
        elif self.client == "sabnzbd":
            for f in report.files:
                if f.status is Status.FAILED or (f.status is Status.SKIPPED and f.expected):
                    print(f"{f.status}: {f.source.name}: {f.reason}")
            for line in notes.messages + [f"warning: {w}" for w in notes.warnings]:
                print(line)
            print(_one_line(report, download), flush=True)  # the line SABnzbd shows in its history
        else:
            ui.report(report)
            _show_notes(self.env, notes)
        if self.client == "nzbget":
            done = report.count(Status.IMPORTED) + report.count(Status.ALREADY_IMPORTED) + report.count(Status.PLANNED)
            raise typer.Exit(NZBGET_FAILURE if code else (NZBGET_SUCCESS if done else NZBGET_NOTHING))
        if self.client == "sabnzbd":
            raise typer.Exit(1 if code else 0)
        raise typer.Exit(code)


def _one_line(report: Report, download: Download) -> str:
    """The whole outcome on one line, for clients that show one."""
    s = report.summary()
    items = list(dict.fromkeys(f.match.label() for f in report.files
                               if f.status in (Status.IMPORTED, Status.PLANNED, Status.ALREADY_IMPORTED)
                               and f.match and f.kind == "video"))
    shown = ", ".join(items[:3]) + (f" and {len(items) - 3} more" if len(items) > 3 else "")
    if report.dry_run:
        return f"Dry run: {s['planned']} file(s) would be imported" + (f" ({shown})" if shown else "")
    code = report.exit_code()
    if code == 0 and s["imported"]:
        return f"Imported {s['imported']} file(s): {shown}"
    if code == 0 and s["already_imported"]:
        return f"Already in the library: {shown}"
    if code == 0:
        return f"Nothing to import in {download.label()}"
    if code == 3:
        return f"Partly imported: {s['imported']} imported, {s['failed']} failed (mydia-import history --failed)"
    first = next((f.reason for f in report.files if f.status in (Status.FAILED, Status.SKIPPED) and f.expected
                  and f.reason), "see mydia-import history")
    return f"Not imported: {first}"
