"""The Typer app, its global options, and the environment every command shares."""

from __future__ import annotations

import sys
import types
import typing
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path, PurePath
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from mydia_import import __version__
from mydia_import.console import Ui
from mydia_import.errors import MydiaImportError


class _Group(TyperGroup):
    """Turns the tool's own errors into one line and the documented exit code, and names every
    placeholder of the help in words."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _name_placeholders(self)

    def invoke(self, ctx: typer.Context) -> Any:
        try:
            return super().invoke(ctx)
        except MydiaImportError as error:
            env = ctx.obj if isinstance(ctx.obj, Env) else Env(json_mode="--json" in sys.argv)
            env.ui().error(error.message)
            if env.json_mode:
                env.ui().emit_json({"error": error.message, "exit_code": error.exit_code})
            raise typer.Exit(error.exit_code) from None
        except KeyboardInterrupt:
            # Typer would print "Aborted!" and exit 1; a script must be able to tell Ctrl-C.
            env = ctx.obj if isinstance(ctx.obj, Env) else Env(json_mode="--json" in sys.argv)
            env.ui().error(INTERRUPTED)
            if env.json_mode:
                env.ui().emit_json({"error": INTERRUPTED, "exit_code": 130})
            raise typer.Exit(130) from None


INTERRUPTED = "interrupted; files already imported are complete and recorded, nothing is half-written"


def _name_placeholders(command: Any) -> None:
    """A placeholder in words for every value a command takes (`PATH`, `JOB`, `N`, `a|b`), where
    the command does not name one: Typer would show Python's types (`<list[Path]>`, `{paths}`)."""
    for sub in getattr(command, "commands", {}).values():
        _name_placeholders(sub)
    for param in getattr(command, "params", ()):
        if param.metavar is None and not getattr(param, "is_flag", False):
            param.metavar = _placeholder(param)
        if param.param_type_name == "argument":
            # Typer adds the Python type to an argument's help ("PATHS <list[Path]>") and braces to
            # its usage ("{PATHS}..."): the name says enough. Instance attributes, so a Typer without
            # these methods is simply left as it is.
            param.display_type_rich = lambda ctx: None
            usage = param.metavar if param.required else f"[{param.metavar}]"
            param._usage_display_name = lambda usage=usage, many=param.nargs != 1: usage + ("..." if many else "")


def _placeholder(param: Any) -> str:
    kind = getattr(getattr(param, "type_descriptor", None), "annotation", str)
    while typing.get_origin(kind) in (list, tuple, typing.Union, types.UnionType):  # list[Path], X | None
        kind = next(a for a in typing.get_args(kind) if a is not type(None))
    if param.param_type_name == "argument":
        return param.name.upper()
    if isinstance(kind, type) and issubclass(kind, Enum):
        return "|".join(str(member.value) for member in kind)
    if kind is int:
        return "N"
    if isinstance(kind, type) and issubclass(kind, PurePath):
        return "PATH"
    return param.opts[0].lstrip("-").split("-")[-1].upper()  # --imdb-id: ID, --alias: ALIAS


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

    def library(self):
        """The library database, which `init` created: a missing file is an error (exit 1)."""
        if self._library is None:
            from mydia_import.library import Library

            database = self.settings().database
            wait = getattr(self.settings(), "busy_timeout", None)
            self._library = Library.open(database, create=False, busy_timeout=wait)
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
