"""The command line: Typer commands over the core, and the one place that
turns errors into a message and an exit code."""

from __future__ import annotations

import json
import sys

from mydia_import.cli import history, hook, importing, library, setup, undo  # noqa: F401  (they register commands)
from mydia_import.cli._app import app
from mydia_import.errors import MydiaImportError
from mydia_import.pathtext import display

__all__ = ["app", "main"]


def main() -> None:
    try:
        app(prog_name="mydia-import")
    except MydiaImportError as error:
        fail(error.message, error.exit_code)
    except KeyboardInterrupt:
        fail("interrupted; files already imported are complete and recorded, nothing is half-written", 130)


def fail(message: str, code: int) -> None:
    if "--json" in sys.argv[1:]:
        print(json.dumps({"error": message, "exit_code": code}))
    print(f"error: {display(message)}", file=sys.stderr)  # one line, even for names that are not UTF-8
    sys.exit(code)
