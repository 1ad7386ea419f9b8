"""`library add` through a provider, and `library refresh`: the CLI side of integrations/metadata/.

Network only when asked: `--lookup`, `[metadata] lookup = true` or a `--tvmaze-id`; `--offline`
and `--season` keep the typed behaviour. A provider that fails is a warning and the item is
added as typed: the library stays the authority.
"""

from __future__ import annotations

from typing import Annotated

import typer

from mydia_import.cli._app import JsonFlag, QuietFlag, VerboseFlag, env_of
from mydia_import.errors import EXIT_NOTHING_IMPORTED, EXIT_PARTIAL, LibraryError
from mydia_import.models import MediaRef, MediaType

OfflineFlag = Annotated[bool, typer.Option("--offline", help="Ask no metadata provider; add as typed.")]
LookupFlag = Annotated[bool, typer.Option(
    "--lookup", help="Look the title up at TVmaze (shows) or TMDB (movies) even if [metadata] lookup is off.")]
YesFlag = Annotated[bool, typer.Option(
    "--yes", "-y", help="Ask nothing: add only a single certain candidate, else list them and exit 4.")]
TvmazeOption = Annotated[int | None, typer.Option("--tvmaze-id", help="The TVmaze id (looks the show up).")]

_PROVIDER = {MediaType.TV_SHOW: "TVmaze", MediaType.MOVIE: "TMDB"}


def wants_lookup(env, lookup: bool, offline: bool, tvmaze_id: int | None = None,
                 type: MediaType = MediaType.TV_SHOW) -> bool:
    """Whether `library add` asks a provider: asked for (`--lookup`, an id), or `[metadata] lookup`
    (on by default) where a provider can answer without being set up: TVmaze always, TMDB (movies)
    only with a key."""
    if offline:
        return False
    if lookup or tvmaze_id is not None:
        return True
    settings = env.settings()
    if not settings.metadata_lookup:
        return False
    return type is MediaType.TV_SHOW or bool(settings.tmdb_api_key or settings.tmdb_api_key_file)


def add_looked_up(env, type: MediaType, title: str, year: int | None, aliases: tuple[str, ...], *,
                  tmdb_id: int | None, imdb_id: str | None, tvmaze_id: int | None, yes: bool) -> MediaRef | None:
    """Add the item a provider knows for this title; None when it could not help (then the
    caller adds as typed, after the warning printed here)."""
    from mydia_import.integrations.metadata import ProviderError
    from mydia_import.integrations.metadata.providers import Providers, add_item, confident

    ui = env.ui()
    providers = None
    try:
        providers = Providers(env.settings())  # an unreadable key file is a warning too
        candidates = providers.search(type, title, year, tmdb_id=tmdb_id, tvmaze_id=tvmaze_id, imdb_id=imdb_id)
        by_id = any(i is not None for i in (tmdb_id, tvmaze_id, imdb_id))
        if not candidates:
            ui.warning(f"{_PROVIDER[type]} knows no {_noun(type)} {title!r}; added as typed")
            return None
        chosen = candidates[0] if by_id else confident(candidates, title, year)
        if not by_id and not yes and ui.interactive:
            chosen = choose_candidate(ui, candidates, chosen)
            if chosen is None:
                raise typer.Exit(EXIT_NOTHING_IMPORTED)
        elif chosen is None:
            _list(env, candidates, f"{len(candidates)} candidate(s) for {title!r} and none is certain; "
                                   "give --year or an id (--tmdb-id, --tvmaze-id, --imdb-id)")
            raise typer.Exit(EXIT_NOTHING_IMPORTED)
        details = providers.details(chosen)
    except ProviderError as error:
        ui.warning(f"{error}; {title!r} added as typed")
        return None
    finally:
        if providers is not None:
            providers.close()
    ref, added, updated = add_item(env.library(), details, year=year, aliases=aliases, tmdb_id=tmdb_id)
    _show(env, ref, details.candidate.provider, added, updated)
    return ref


def choose_candidate(ui, candidates, best):
    shown = candidates[:10]
    ui.table(None, ("#", "title", "year", "country", "network", "overview"), (
        (n, c.title, c.year, c.country, c.network, c.to_json()["overview"]) for n, c in enumerate(shown, 1)))
    answer = ui.choose("which one? (0: none)", len(shown), default=(shown.index(best) + 1) if best in shown else 0)
    return shown[answer - 1] if answer else None


def _list(env, candidates, reason: str) -> None:
    ui = env.ui()
    if env.json_mode:
        ui.emit_json({"media_item": None, "candidates": [c.to_json() for c in candidates], "reason": reason})
        return
    ui.table(None, ("provider", "id", "title", "year", "country", "network"), (
        (c.provider, c.id, c.title, c.year, c.country, c.network) for c in candidates[:10]))
    ui.error(reason)


def _show(env, ref: MediaRef, provider: str, added: int, updated: int) -> None:
    ui = env.ui()
    if env.json_mode:
        ui.emit_json({**ref.to_json(), "provider": provider, "episodes_added": added, "episodes_updated": updated})
        return
    episodes = f", {added} episode(s) added, {updated} updated" if ref.type is MediaType.TV_SHOW else ""
    ui.message(f"{_noun(ref.type)} {ref.label()} (id {ref.id}) from {provider}{episodes}")


def _noun(type: MediaType) -> str:
    return "show" if type is MediaType.TV_SHOW else "movie"


def refresh_command(
    ctx: typer.Context,
    item: Annotated[list[str] | None, typer.Argument(
        help="Shows to refresh, by title or id (default: every show with a provider id).")] = None,
    json_mode: JsonFlag = False, quiet: QuietFlag = False, verbose: VerboseFlag = False,
) -> None:
    """Bring shows' episodes up to date from TVmaze or TMDB (new episodes, titles, air dates)."""
    from mydia_import.integrations.metadata.providers import Providers
    from mydia_import.integrations.metadata.refresh import refresh

    env = env_of(ctx, json_mode, quiet, verbose)
    library = env.library()
    shows = _named(library, item) if item else [
        s.ref for s in library.list_items(MediaType.TV_SHOW)
        if any(library.provider_ids(s.ref.id).get(k) is not None for k in ("tvmaze_id", "tmdb_id", "imdb_id"))]
    ui = env.ui()
    providers = Providers(env.settings())
    try:
        with ui.bar(len(shows), "refreshing") as advance:
            done = refresh(library, providers, shows, advance)
    finally:
        providers.close()
    if env.json_mode:
        ui.emit_json({"items": [d.to_json() for d in done]})
    for d in done:
        if d.reason:
            ui.warning(f"{d.item.label()}: {d.reason}")
        elif not env.json_mode:
            moved = f", {d.renumbered} renumbered" if d.renumbered else ""
            ui.message(f"{d.item.label()}: {d.added} episode(s) added, {d.updated} updated{moved}")
    if not done:
        ui.message("no show with a provider id to refresh")
    raise typer.Exit(EXIT_PARTIAL if any(d.reason for d in done) and not all(d.reason for d in done)
                     else EXIT_NOTHING_IMPORTED if done and all(d.reason for d in done) else 0)


def _named(library, names: list[str]) -> list[MediaRef]:
    from mydia_import.titles import normalize_title

    found: list[MediaRef] = []
    for name in names:
        items = library.find_items(normalize_title(name), MediaType.TV_SHOW)
        by_id = library.get_item(name)
        if by_id is not None:
            items = [by_id]
        if not items:
            raise LibraryError(f"no show {name!r} in the library; see `mydia-import library list --type show`")
        if len(items) > 1:
            labels = " and ".join(i.label() for i in items)
            raise LibraryError(f"{name!r} could be {labels}; name it by its id (`library list --json`)")
        found += items
    return found
