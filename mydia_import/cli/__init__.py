"""The command line: Typer commands over the core, and the one place that
turns errors into a message and an exit code.

`main` answers `--version` before it imports anything (Typer, Rich and the
commands cost a tenth of a second); the commands are loaded on first use of
`app` or `main`.
"""

from __future__ import annotations

import json
import sys
from typing import Any

__all__ = ["app", "main"]


def __getattr__(name: str) -> Any:
    if name == "app":
        return _load_app()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _load_app():
    from mydia_import.cli import history, hook, importing, library, setup, undo  # noqa: F401  (they register commands)
    from mydia_import.cli._app import app

    return app


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        from mydia_import import __version__

        print(f"mydia-import {__version__}")
        return
    from mydia_import.errors import MydiaImportError

    try:
        _load_app()(prog_name="mydia-import")
    except MydiaImportError as error:
        fail(error.message, error.exit_code)
    except KeyboardInterrupt:  # before a command runs (while loading); a command's is the group's
        from mydia_import.cli._app import INTERRUPTED

        fail(INTERRUPTED, 130)


def fail(message: str, code: int) -> None:
    from mydia_import.pathtext import display

    if "--json" in sys.argv[1:]:
        print(json.dumps({"error": message, "exit_code": code}))
    print(f"error: {display(message)}", file=sys.stderr)  # one line, even for names that are not UTF-8
    sys.exit(code)
