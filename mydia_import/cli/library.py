"""`library load | add movie | add show | list | adopt`: what the library knows."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from mydia_import.cli._app import JsonFlag, QuietFlag, VerboseFlag, app, env_of
from mydia_import.cli.lookup import (
    LookupFlag,
    OfflineFlag,
    TvmazeOption,
    YesFlag,
    add_looked_up,
    refresh_command,
    wants_lookup,
)
from mydia_import.errors import LibraryError
from mydia_import.models import MediaType

library_app = typer.Typer(help="What the library knows: movies, shows and episodes.", no_args_is_help=True)
add_app = typer.Typer(help="Add one movie or show.", no_args_is_help=True)
library_app.add_typer(add_app, name="add")
app.add_typer(library_app, name="library")

AliasOption = Annotated[list[str] | None, typer.Option("--alias", help="Another title it is known by (repeatable).")]
YearOption = Annotated[int | None, typer.Option("--year", min=1801, max=2199, help="The year of release or first air.")]
TmdbOption = Annotated[int | None, typer.Option("--tmdb-id", help="The TMDB id.")]
RenameFlag = Annotated[bool, typer.Option(
    "--rename", help="An item found by its id takes this title (without it, its title is kept).")]
ImdbOption = Annotated[str | None, typer.Option("--imdb-id", help="The IMDb id (tt…).")]


@library_app.command("load")
def load(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A library JSON file (movies, shows, episodes).")],
    json_mode: JsonFlag = False, quiet: QuietFlag = False, verbose: VerboseFlag = False,
) -> None:
    """Add or update movies, shows and episodes from a JSON file."""
    env = env_of(ctx, json_mode, quiet, verbose)
    data = _read_json(file)
    summary = env.library().load(data)
    _show_summary(env, summary, f"loaded {file}")


@add_app.command("movie")
def add_movie(
    ctx: typer.Context,
    title: Annotated[str, typer.Argument(help="The movie's title.")],
    year: YearOption = None,
    alias: AliasOption = None,
    tmdb_id: TmdbOption = None,
    imdb_id: ImdbOption = None,
    rename: RenameFlag = False,
    lookup: LookupFlag = False, offline: OfflineFlag = False, yes: YesFlag = False,
    json_mode: JsonFlag = False, quiet: QuietFlag = False, verbose: VerboseFlag = False,
) -> None:
    """Add one movie (looked up at TMDB with --lookup or [metadata] lookup)."""
    env = env_of(ctx, json_mode, quiet, verbose)
    if wants_lookup(env, lookup, offline, type=MediaType.MOVIE) and add_looked_up(
            env, MediaType.MOVIE, title, year, tuple(alias or ()), tmdb_id=tmdb_id, imdb_id=imdb_id,
            tvmaze_id=None, yes=yes):
        return
    notes: list[str] = []
    ref = env.library().add_movie(title, year=year, aliases=tuple(alias or ()), tmdb_id=tmdb_id, imdb_id=imdb_id,
                                  notes=notes, rename=rename)
    _show_item(env, ref, notes)


@add_app.command("show")
def add_show(
    ctx: typer.Context,
    title: Annotated[str, typer.Argument(help="The show's title.")],
    year: YearOption = None,
    alias: AliasOption = None,
    tmdb_id: TmdbOption = None,
    season: Annotated[list[str] | None, typer.Option(
        "--season", metavar="N:COUNT", help="Create episodes 1..COUNT of season N (repeatable), e.g. 1:10.",
    )] = None,
    rename: RenameFlag = False,
    tvmaze_id: TvmazeOption = None,
    imdb_id: ImdbOption = None,
    lookup: LookupFlag = False, offline: OfflineFlag = False, yes: YesFlag = False,
    json_mode: JsonFlag = False, quiet: QuietFlag = False, verbose: VerboseFlag = False,
) -> None:
    """Add one show: its episodes from TVmaze (with --lookup or [metadata] lookup) or the seasons given."""
    env = env_of(ctx, json_mode, quiet, verbose)
    # --season is typed data: the user says what the show holds, no provider is asked.
    if not season and wants_lookup(env, lookup, offline, tvmaze_id) and add_looked_up(
            env, MediaType.TV_SHOW, title, year, tuple(alias or ()), tmdb_id=tmdb_id, imdb_id=imdb_id,
            tvmaze_id=tvmaze_id, yes=yes):
        return
    seasons = dict(_season(s) for s in season or ())
    notes: list[str] = []
    ref = env.library().add_show(title, year=year, aliases=tuple(alias or ()), tmdb_id=tmdb_id, seasons=seasons,
                                 notes=notes, rename=rename)
    _show_item(env, ref, notes)


library_app.command("refresh")(refresh_command)


@library_app.command("list")
def list_items(
    ctx: typer.Context,
    type_: Annotated[str | None, typer.Option("--type", metavar="movie|show", help="movie or show.")] = None,
    json_mode: JsonFlag = False, quiet: QuietFlag = False, verbose: VerboseFlag = False,
) -> None:
    """The items of the library with their file counts."""
    env = env_of(ctx, json_mode, quiet, verbose)
    kinds = {"movie": MediaType.MOVIE, "show": MediaType.TV_SHOW, None: None}
    if type_ not in kinds:
        raise typer.BadParameter("must be movie or show", param_hint="--type")
    items = env.library().list_items(kinds[type_])
    rows = [i.to_json() for i in items]
    ui = env.ui()
    if env.json_mode:
        ui.emit_json({"items": rows})
        return
    ui.table(None, ("type", "title", "year", "episodes", "files"), (
        ("movie" if r["type"] == "movie" else "show", r["title"], r["year"],
         r["episodes"] if r["type"] == "tv_show" else "", r["files"]) for r in rows
    ))
    ui.message(f"{len(rows)} item(s)")


@library_app.command("adopt")
def adopt(
    ctx: typer.Context,
    folder: Annotated[Path, typer.Argument(
        help="An organised library folder (Title (Year)/..., Show (Year)/Season 01/...).")],
    type_: Annotated[str | None, typer.Option(
        "--type", metavar="movies|series|mixed",
        help="The library's type: movies, series or mixed (default: from what the folder holds).",
    )] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would be recorded; write nothing.")] = False,
    json_mode: JsonFlag = False, quiet: QuietFlag = False, verbose: VerboseFlag = False,
) -> None:
    """Record an already organised library (items, episodes, files), moving nothing."""
    from mydia_import.identify.existing_library import adopt as adopt_folder

    env = env_of(ctx, json_mode, quiet, verbose)
    if type_ not in (None, "movies", "series", "mixed"):
        raise typer.BadParameter("must be movies, series or mixed", param_hint="--type")
    if not folder.is_dir():
        raise LibraryError(f"{folder} is not a folder; name the library folder to adopt "
                           "(for example your Movies folder)")
    library = env.library()
    if dry_run:
        report = adopt_folder(folder, library, root_type=type_, dry_run=True)
    else:
        from mydia_import.execute.locking import run_lock

        with run_lock(library, None, "library adopt"):  # it writes media_files rows, as imports do
            report = adopt_folder(folder, library, root_type=type_, dry_run=False)
    ui = env.ui()
    if env.json_mode:
        ui.emit_json(report.to_json())
        raise typer.Exit(report.exit_code())
    shown = report.files if env.verbose else [f for f in report.files if f.status == "skipped"]
    if shown:
        ui.table(None, ("file", "status", "item", "reason"), (
            (str(f.path.relative_to(folder.absolute())) if f.path.is_relative_to(folder.absolute()) else str(f.path),
             f.status, _adopted_label(f), f.reason or "") for f in shown))
    summary = report.to_json()["summary"]
    done = "would record" if dry_run else "recorded"
    ui.message(
        f"{folder}: {done} {summary['planned'] if dry_run else summary['recorded']} file(s), "
        f"{summary['already_recorded']} already recorded, {summary['skipped']} not placed; "
        f"{summary['items_added']} item(s) and {summary['episodes_added']} episode(s) "
        f"{'to add' if dry_run else 'added'}"
    )
    raise typer.Exit(report.exit_code())


def _adopted_label(adopted) -> str:
    if adopted.item is None:
        return ""
    codes = " ".join(e.code() for e in adopted.episodes)
    return f"{adopted.item.label()} {codes}".strip()


def _season(text: str) -> tuple[int, int]:
    number, _, count = text.partition(":")
    try:
        season, episodes = int(number), int(count)
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not N:COUNT (for example 1:10)", param_hint="--season") from None
    if season < 0 or episodes < 1:
        raise typer.BadParameter(f"{text!r}: season must be ≥ 0 and COUNT ≥ 1", param_hint="--season")
    return season, episodes


def _read_json(file: Path) -> dict:
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as error:
        from mydia_import.errors import describe_os_error

        raise LibraryError(f"cannot read library file {file}: {describe_os_error(error)}") from None
    except UnicodeDecodeError:
        raise LibraryError(f"library file {file} is not UTF-8 text") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise LibraryError(f"library file {file} is not valid JSON: {error.msg} (line {error.lineno}, "
                           f"column {error.colno})") from None
    if not isinstance(data, dict):
        raise LibraryError(f"library file {file} must hold a JSON object with \"movies\" and/or \"shows\"")
    return data


def _show_summary(env, summary, headline: str) -> None:
    ui = env.ui()
    if env.json_mode:
        ui.emit_json(summary.to_json())
        return
    changes = ", ".join(
        f"{n} {kind if n != 1 else kind.removesuffix('s')} {what}"
        for kind, counts in summary.to_json().items() if isinstance(counts, dict)
        for what, n in counts.items() if n and what != "unchanged"
    )
    ui.message(f"{headline}: {changes or 'nothing changed'}")
    _show_notes(env, summary.notes)


def _show_notes(env, notes) -> None:
    for note in notes:
        env.ui().message(f"note: {note}")  # stderr under --json: stdout keeps its one document


def _show_item(env, ref, notes=()) -> None:
    _show_notes(env, notes)
    ui = env.ui()
    if env.json_mode:
        ui.emit_json(ref.to_json())
        return
    ui.message(f"{'movie' if ref.type is MediaType.MOVIE else 'show'} {ref.label()} (id {ref.id})")
