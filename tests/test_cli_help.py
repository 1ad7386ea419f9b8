"""The help speaks in words: every placeholder is a name (`PATH`, `JOB`, `N`, `movie|show`), never a
Python type (`<list[Path]>`, `<str>`) or a field name in braces; and Ctrl-C ends a command with
the documented exit code 130 and its one line."""

from __future__ import annotations

import re

import pytest
import typer
from conftest import one_error_line
from typer.testing import CliRunner

from mydia_import.cli import app

PYTHON_TYPE = re.compile(r"<[^>]*\b(str|int|float|bool|list|tuple|Path|int range)\b[^>]*>|\{[A-Za-z_]+\}")


def _commands(command, path=()):
    yield path
    for name, sub in getattr(command, "commands", {}).items():
        yield from _commands(sub, (*path, name))


@pytest.mark.parametrize("path", list(_commands(typer.main.get_command(app))), ids=" ".join)
def test_help_names_every_placeholder_in_words(path):
    result = CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert not PYTHON_TYPE.findall(result.stdout), result.stdout


def test_the_placeholders_say_what_to_type():
    runner = CliRunner()
    assert "Usage: mydia-import import [OPTIONS] PATHS..." in runner.invoke(app, ["import", "--help"]).stdout
    assert "--type movie|show" in runner.invoke(app, ["library", "list", "--help"]).stdout
    assert "--mode auto|hardlink|copy|move|symlink|reflink" in " ".join(
        runner.invoke(app, ["scan", "--help"], env={"COLUMNS": "200"}).stdout.split())


def test_ctrl_c_during_a_command_exits_130_with_one_line(workspace, monkeypatch):
    from mydia_import.execute import importer

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(importer, "run", interrupted)
    result = workspace.cli("scan")
    assert result.exit_code == 130
    assert one_error_line(result.stderr) == ("error: interrupted; files already imported are complete and "
                                             "recorded, nothing is half-written")
