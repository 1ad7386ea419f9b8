"""`init` and `config show`: where things are and how the tool is set up."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from mydia_import.cli._app import JsonFlag, QuietFlag, VerboseFlag, app, env_of
from mydia_import.errors import MydiaImportError, describe_os_error
from mydia_import.models import TransferMode

config_app = typer.Typer(help="The configuration.", no_args_is_help=True)
app.add_typer(config_app, name="config")


@app.command()
def init(
    ctx: typer.Context,
    movies: Annotated[Path, typer.Option("--movies", help="The movies library folder.")],
    tv: Annotated[Path, typer.Option("--tv", help="The TV library folder.")],
    downloads: Annotated[Path | None, typer.Option(
        "--downloads", help="The completed-downloads folder `scan` reads.")] = None,
    db: Annotated[Path | None, typer.Option(
        "--db", help="The library database (default: library.db in the user data dir).")] = None,
    mode: Annotated[TransferMode | None, typer.Option(
        "--mode", case_sensitive=False, help="The default transfer mode.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing config file.")] = False,
    json_mode: JsonFlag = False, quiet: QuietFlag = False, verbose: VerboseFlag = False,
) -> None:
    """Write the config file and create the library database and folders."""
    from mydia_import.config import default_config_path, load_settings, write_config
    from mydia_import.library import Library

    env = env_of(ctx, json_mode, quiet, verbose)
    config_path = env.config_path or _env_config_path() or default_config_path()
    if config_path.exists() and not force:
        raise MydiaImportError(f"config file {config_path} already exists; use --force to overwrite it")
    movies, tv = _absolute(movies), _absolute(tv)
    downloads = _absolute(downloads) if downloads else None
    for folder in filter(None, (movies, tv, downloads)):
        _make_folder(folder)
    values: dict[str, dict[str, object]] = {"library": {"movies": movies, "tv": tv}}
    if db is not None:
        values["library"]["database"] = _absolute(db)
    if downloads is not None:
        values["downloads"] = {"path": downloads}
    if mode is not None:
        values["import"] = {"mode": str(mode)}
    # The database first: if it refuses these folders, the old config stays as it was.
    database = _absolute(db) if db is not None else load_settings(config_path, read_file=False).database
    library = Library.open(database, create=True)
    try:
        same = movies == tv
        library.ensure_root(movies, "mixed" if same else "movies")
        if not same:
            library.ensure_root(tv, "series")
    finally:
        library.close()
    write_config(config_path, values, force=force)
    settings = load_settings(config_path)
    ui = env.ui()
    result = {"config": str(config_path), "database": str(settings.database), "movies": str(movies),
              "tv": str(tv), "downloads": str(downloads) if downloads else None}
    if env.json_mode:
        ui.emit_json(result)
        return
    ui.message(f"wrote {config_path}")
    ui.message(f"library database {settings.database}")
    ui.message(f"movies go to {movies}, TV to {tv}" + (f"; scan reads {downloads}" if downloads else ""))


@config_app.command("show")
def show(
    ctx: typer.Context,
    json_mode: JsonFlag = False, quiet: QuietFlag = False, verbose: VerboseFlag = False,
) -> None:
    """The merged configuration and where each value came from."""
    from mydia_import.config import describe, describe_tables

    env = env_of(ctx, json_mode, quiet, verbose)
    settings = env.settings()
    rows = describe(settings)
    tables = describe_tables(settings)
    ui = env.ui()
    if env.json_mode:
        values: dict[str, dict[str, dict[str, object]]] = {}
        for section, key, value, origin in rows:
            values.setdefault(section, {})[key] = {
                "value": str(value) if isinstance(value, Path) else value, "origin": origin,
            }
        lists: dict[str, list[dict[str, object]]] = {}
        for name, _, entry in tables:
            lists.setdefault(name, []).append(entry)
        ui.emit_json({"config_file": str(settings.config_path),
                      "config_file_exists": settings.config_path.exists(), "values": values,
                      "tables": lists})
        return
    exists = "" if settings.config_path.exists() else " (does not exist: defaults apply)"
    ui.message(f"config file: {settings.config_path}{exists}")
    ui.table(None, ("key", "value", "from"), (
        (f"[{section}] {key}", "" if value is None else value, origin) for section, key, value, origin in rows
    ))
    for name, n, entry in tables:
        ui.table(f"[[{name}]] #{n}", ("key", "value"), entry.items())


def _env_config_path() -> Path | None:
    value = os.environ.get("MYDIA_IMPORT_CONFIG")
    return Path(value).expanduser() if value else None


def _absolute(path: Path) -> Path:
    return Path(os.path.abspath(path.expanduser()))


def _make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise MydiaImportError(f"cannot create folder {folder}: {describe_os_error(error)}") from None
    if not folder.is_dir():
        raise MydiaImportError(f"{folder} exists but is not a folder")
