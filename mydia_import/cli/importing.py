"""`scan`, `import` and `identify`: the commands that look at downloads."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from mydia_import.cli._app import JsonFlag, QuietFlag, VerboseFlag, app, env_of
from mydia_import.errors import ConfigError
from mydia_import.models import ConflictPolicy, TransferMode, Verify

DryRunFlag = Annotated[bool, typer.Option("--dry-run", help="Decide everything and print the plan; change nothing.")]
ModeOption = Annotated[TransferMode | None, typer.Option(
    "--mode", case_sensitive=False, help="How files reach the library (default: [import] mode).",
)]
ConflictOption = Annotated[ConflictPolicy | None, typer.Option(
    "--conflict", case_sensitive=False,
    help="When the destination holds a different file (default: [import] conflict).",
)]
ReimportFlag = Annotated[bool, typer.Option(
    "--reimport", help="Import again the files this library imported before and that were removed from it "
    "(or replaced) since; without it they are skipped, saying when they were imported.",
)]
VerifyOption = Annotated[Verify | None, typer.Option(
    "--verify", case_sensitive=False,
    help="Check each copy by size, or by hash: SHA-256 of the source as it is read and of the copy read back "
    "(default: [import] verify).",
)]
LookupFlag = Annotated[bool, typer.Option(
    "--lookup", help="Ask TVmaze and TMDB in this run even if [metadata] lookup is off, in a dry run too: "
    "a dry run then shows what [metadata] add_unknown would add, and adds nothing.",
)]


@app.command()
def scan(
    ctx: typer.Context,
    downloads: Annotated[Path | None, typer.Argument(
        help="The completed-downloads folder (default: [downloads] path).", show_default=False,
    )] = None,
    dry_run: DryRunFlag = False,
    mode: ModeOption = None,
    conflict: ConflictOption = None,
    verify: VerifyOption = None,
    reimport: ReimportFlag = False,
    lookup: LookupFlag = False,
    json_mode: JsonFlag = False,
    quiet: QuietFlag = False,
    verbose: VerboseFlag = False,
) -> None:
    """Import everything eligible under the downloads folder."""
    env = env_of(ctx, json_mode, quiet, verbose)
    folder = downloads or env.settings().downloads
    if folder is None:
        raise ConfigError(
            "no downloads folder given; pass one (mydia-import scan DIR) or set [downloads] path "
            f"in {env.settings().config_path}"
        )
    _run(env, (folder,), scan=True, dry_run=dry_run, mode=mode, conflict=conflict, verify=verify, reimport=reimport,
         lookup=lookup)


@app.command("import")
def import_(
    ctx: typer.Context,
    paths: Annotated[list[Path], typer.Argument(
        help="Files or folders to import (for example one torrent's content path).")],
    dry_run: DryRunFlag = False,
    mode: ModeOption = None,
    conflict: ConflictOption = None,
    verify: VerifyOption = None,
    reimport: ReimportFlag = False,
    lookup: LookupFlag = False,
    json_mode: JsonFlag = False,
    quiet: QuietFlag = False,
    verbose: VerboseFlag = False,
) -> None:
    """Import these files or folders."""
    env = env_of(ctx, json_mode, quiet, verbose)
    _run(env, tuple(paths), scan=False, dry_run=dry_run, mode=mode, conflict=conflict, verify=verify,
         reimport=reimport, lookup=lookup)


def _run(env, paths, *, scan: bool, dry_run: bool, mode, conflict, verify=None, reimport: bool = False,
         lookup: bool = False) -> None:
    from mydia_import.config import with_overrides
    from mydia_import.execute import importer

    settings = with_overrides(env.settings(), "flag --mode", mode=mode)
    settings = with_overrides(settings, "flag --conflict", conflict=conflict)
    settings = with_overrides(settings, "flag --verify", verify=verify)
    settings = with_overrides(settings, "flag --lookup", metadata_lookup=True if lookup else None)
    ui = env.ui()
    _note_parser(env, ui)
    request = importer.Request(
        paths=paths, mode=settings.mode, conflict=settings.conflict, scan=scan, dry_run=dry_run,
        command="scan" if scan else "import",
        arguments={"paths": [str(p) for p in paths], "mode": str(settings.mode),
                   "conflict": str(settings.conflict), "dry_run": dry_run, "reimport": reimport,
                   **({"lookup": True} if lookup else {})},
        reimport=reimport, lookup=lookup, ask=_asker(ui, settings, dry_run),
    )
    library = env.library()
    from mydia_import.cli.hook import run_logged  # log file, clean-up, media servers, notifications
    from mydia_import.execute.locking import Busy

    try:
        report = run_logged(env, request, settings, library, ui)
    except Busy as busy:
        if not scan:
            raise
        # cron: another run is at work; this scan has nothing to report and the next one catches up.
        ui.message(busy.message)
        if env.json_mode:
            ui.emit_json({"job": None, "dry_run": False, "files": [], "summary": {}, "message": busy.message})
        raise typer.Exit(0) from None
    ui.report(report)
    raise typer.Exit(report.exit_code())


def _asker(ui, settings, dry_run: bool):
    """[metadata] add_unknown = "ask": the question put to a person at a terminal (None: nobody there)."""
    if dry_run or settings.metadata_add_unknown != "ask" or not ui.interactive:
        return None
    from mydia_import.cli.lookup import choose_candidate

    def ask(name: str, candidates, best):
        ui.message(f"{name}: its title is not in the library")
        return choose_candidate(ui, candidates, best)
    return ask


def _note_parser(env, ui) -> None:
    """-v: say once when guessit runs without the rebulk speed-ups (slower, same answers)."""
    if env.verbose:
        from mydia_import.identify import rebulk_speed

        patched, why = rebulk_speed.state()
        if not patched:
            ui.message(f"note: {why}")


@app.command()
def identify(
    ctx: typer.Context,
    names: Annotated[list[str], typer.Argument(help="Release or file names, or paths; '-' reads names from stdin.")],
    lookup: Annotated[bool, typer.Option(
        "--lookup", help="For a title the library lacks, ask TVmaze (shows) or TMDB (movies) what "
        "[metadata] add_unknown would add; nothing is added.")] = False,
    json_mode: JsonFlag = False,
    quiet: QuietFlag = False,
    verbose: VerboseFlag = False,
) -> None:
    """Show what the tool makes of release names: the parse, the match, or why none."""
    env = env_of(ctx, json_mode, quiet, verbose)
    if names == ["-"]:
        names = [line.strip() for line in sys.stdin if line.strip()]
    ui = env.ui()
    _note_parser(env, ui)
    results = _identified(env, names, lookup)
    if env.json_mode:
        ui.emit_json({"names": results})
        return
    ui.table(None, ("name", "parsed as", "match", "reason or note"), [
        row for r in results for row in [
            (r["name"], _parse_summary(r["parse"]), _match_summary(r),
             (r["reason"] or (f"note: {r['note']}" if r["note"] else "")) + _lookup_summary(r.get("lookup"))),
            *_archive_rows(r.get("archives", []))]
    ])


def _archive_rows(sets: list[dict]) -> list[tuple[str, str, str, str]]:
    """An archive set as one item: its first volume, then what it holds (read from its headers)."""
    rows = []
    for s in sets:
        volumes = f"{s['volumes']} volume{'s' if s['volumes'] > 1 else ''}"
        rows.append((f"  {Path(s['first_volume']).name}", f"archive set ({s['format'].upper()}, {volumes})", "",
                     s["problem"] or "extracted and imported by a real run"))
        rows += [(f"    \u25b8 {m['name']}", m["kind"], _match_summary(m), m["reason"] or "") for m in s["members"]]
    return rows


def _identified(env, names: list[str], lookup: bool) -> list[dict]:
    from mydia_import.identify.names import identify_names

    library, settings = env.library(), env.settings()

    def archives(name: str, parser) -> list[dict] | None:
        from mydia_import.archives import stage

        return stage.describe(Path(name), settings, library, parser)

    if not lookup:
        return identify_names(names, library, archives=archives)
    from mydia_import.integrations.metadata import ProviderError
    from mydia_import.integrations.metadata.autoadd import Preview
    from mydia_import.integrations.metadata.providers import Providers

    try:
        providers = Providers(env.settings())
    except ProviderError as error:  # an unreadable key file: the names without the lookup
        env.ui().warning(f"{error}; no lookup was made")
        return identify_names(names, library, archives=archives)
    try:
        return identify_names(names, library, lookup=Preview(providers), archives=archives)
    finally:
        providers.close()


def _lookup_summary(lookup: dict | None) -> str:
    if not lookup:
        return ""
    added = lookup["would_add"]
    if added:
        year = f" ({added['year']})" if added["year"] else ""
        return f"; lookup: would add '{added['title']}{year}' from {added['provider']}"
    return f"; lookup: {lookup['reason']}"


def _parse_summary(parse: dict) -> str:
    parts = [parse["type"] or "?", parse["title"] or "?"]
    if parse["year"]:
        parts.append(str(parse["year"]))
    if parse["season"] is not None or parse["episodes"]:
        season = parse["season"] if parse["season"] is not None else "?"
        parts.append(f"S{season}E{','.join(map(str, parse['episodes'])) or '?'}")
    if parse["absolute"]:
        parts.append("#" + ",".join(map(str, parse["absolute"])))
    if parse["air_date"]:
        parts.append(parse["air_date"])
    if parse.get("part"):
        parts.append(f"part {parse['part']}")
    if parse.get("edition"):
        parts.append(f"({parse['edition']})")
    return " ".join(parts)


def _match_summary(result: dict) -> str:
    item = result["media_item"]
    if not item:
        return ""
    label = f"{item['title']} ({item['year']})" if item["year"] else item["title"]
    codes = " ".join(f"S{e['season']:02d}E{e['episode']:02d}" for e in result["episodes"])
    return f"{label} {codes}".strip()
