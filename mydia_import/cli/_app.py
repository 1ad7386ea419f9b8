"""The Typer app, its global options, and the environment every command shares."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from mydia_import import __version__
from mydia_import.console import Ui
from mydia_import.errors import MydiaImportError


class _Group(TyperGroup):
    """Turns the tool's own errors into one line and the documented exit code."""

    def invoke(self, ctx: typer.Context) -> Any:
        try:
            return super().invoke(ctx)
        except MydiaImportError as error:
            env = ctx.obj if isinstance(ctx.obj, Env) else Env(json_mode="--json" in sys.argv)
            env.ui().error(error.message)
            if env.json_mode:
                env.ui().emit_json({"error": error.message, "exit_code": error.exit_code})
            raise typer.Exit(error.exit_code) from None


app = typer.Typer(
    cls=_Group,
    name="mydia-import",
    help="Import finished movie and TV downloads into an organised, recorded media library.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,  # locals hold paths and credentials
    rich_markup_mode=None,
)

# --json, -q and -v are accepted before and after the command, as users type them.
JsonFlag = Annotated[bool, typer.Option("--json", help="Print exactly one JSON document on stdout.")]
QuietFlag = Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors.")]
VerboseFlag = Annotated[bool, typer.Option("--verbose", "-v", help="Show each decision and its reason.")]


@dataclass
class Env:
    """The global options, and the settings and library opened on first use."""

    config_path: Path | None = None
    json_mode: bool = False
    quiet: bool = False
    verbose: bool = False
    _settings: Any = None
    _library: Any = None
    _closers: list = field(default_factory=list)

    def ui(self) -> Ui:
        return Ui(json_mode=self.json_mode, quiet=self.quiet, verbose=self.verbose)

    def settings(self):
        if self._settings is None:
            from mydia_import.config import load_settings

            self._settings = load_settings(self.config_path)
        return self._settings

    def library(self, *, must_exist: bool = False):
        """The library database; with must_exist, an empty in-memory one stands in for a missing file."""
        if self._library is None:
            from mydia_import.library import Library

            database = self.settings().database
            if must_exist and not database.exists():
                self._library = Library.memory()
            else:
                wait = getattr(self.settings(), "busy_timeout", None)
                self._library = Library.open(database, wait)
                if self.verbose:
                    self.ui().err.print(
                        f"library database {database}: a write waits up to {wait} s while another program "
                        "(Mydia) holds it ([library] busy_timeout)", markup=False, highlight=False)
            self._closers.append(self._library.close)
        return self._library

    def close(self) -> None:
        for close in self._closers:
            close()
        self._closers.clear()


def env_of(ctx: typer.Context, json_mode: bool = False, quiet: bool = False, verbose: bool = False) -> Env:
    """The shared Env, with the flags given after the command merged in."""
    env: Env = ctx.find_root().obj
    env.json_mode |= json_mode
    env.quiet |= quiet
    env.verbose |= verbose
    return env


def _print_version(value: bool) -> None:
    if value:
        print(f"mydia-import {__version__}")
        raise typer.Exit(0)


@app.callback()
def root(
    ctx: typer.Context,
    config: Annotated[Path | None, typer.Option(
        "--config", help="The config file (env MYDIA_IMPORT_CONFIG; default: config.toml in the user config dir).",
    )] = None,
    json_mode: JsonFlag = False,
    quiet: QuietFlag = False,
    verbose: VerboseFlag = False,
    version: Annotated[bool, typer.Option(
        "--version", is_eager=True, callback=_print_version, help="Print the version and exit.",
    )] = False,
) -> None:
    env = Env(config_path=config, json_mode=json_mode, quiet=quiet, verbose=verbose)
    ctx.obj = env
    ctx.call_on_close(env.close)
