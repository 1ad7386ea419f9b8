"""The user documentation keeps up with the code: every command, option and
config key is documented, and docs/index.md links every page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer

from mydia_import.cli import app
from mydia_import.config import KEYS
from mydia_import.decisions import Code

DOCS = Path(__file__).resolve().parent.parent / "docs"
COMMANDS_PAGE = DOCS / "reference" / "commands.md"
CONFIG_PAGE = DOCS / "reference" / "config.md"
INDEX_PAGE = DOCS / "index.md"
GLOBAL_OPTIONS_HEADING = "Global options"

# [text](target): the target up to a space (a title) or the closing parenthesis.
_LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)(?:\s[^)]*)?\)")


# Typer builds the command tree with its own copy of click (typer._click in recent
# versions), so groups and parameters are told apart by what they have, not by class.
def _is_group(command: Any) -> bool:
    return isinstance(getattr(command, "commands", None), dict)


def _walk(group: Any, prefix: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Every command and sub-group below `group`, with its path of names."""
    for name, command in sorted(group.commands.items()):
        path = (*prefix, name)
        yield path, command
        if _is_group(command):
            yield from _walk(command, path)


ROOT = typer.main.get_command(app)
COMMANDS = dict(_walk(ROOT))
LEAVES = {" ".join(path): command for path, command in COMMANDS.items() if not _is_group(command)}


def _prose_lines(text: str) -> Iterator[str]:
    """The lines of a Markdown page outside fenced code blocks."""
    fenced = False
    for line in text.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced:
            yield line


def _sections(text: str) -> dict[str, str]:
    """The prose of the page's `## ` sections by heading, backticks and the program name removed."""
    sections: dict[str, str] = {}
    heading = None
    for line in _prose_lines(text):
        if line.startswith("## "):
            heading = line[3:].strip().strip("`").removeprefix("mydia-import").strip()
            sections[heading] = ""
        elif heading is not None:
            sections[heading] += line + "\n"
    return sections


def _option_strings(command: Any) -> list[str]:
    return [opt for param in command.params if param.param_type_name == "option"
            for opt in (*param.opts, *param.secondary_opts)]


def _argument_names(command: Any) -> list[str]:
    return [param.name.upper() for param in command.params if param.param_type_name == "argument"]


def _mentions(text: str, word: str, before: str = "") -> bool:
    """`word` appears in `text` after `before`, and not as the start of a longer word."""
    return re.search(re.escape(before + word) + r"(?![\w-])", text) is not None


def _targets(page: Path) -> list[tuple[Path, str]]:
    """The local (page, #anchor) a Markdown page links to; web links left out."""
    found = []
    for target in _LINK.findall(page.read_text(encoding="utf-8")):
        if re.match(r"[a-z][a-z0-9+.-]*:", target):
            continue
        path, _, anchor = target.partition("#")
        found.append(((page.parent / path).resolve() if path else page.resolve(), anchor))
    return found


def _links(page: Path) -> set[Path]:
    return {path for path, _ in _targets(page) if path != page.resolve()}


def _anchors(page: Path) -> set[str]:
    """The anchors GitHub gives a page's headings: lower case, punctuation dropped, spaces as -."""
    headings = [line.lstrip("#").strip() for line in _prose_lines(page.read_text(encoding="utf-8"))
                if line.startswith("#")]
    return {re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-") for heading in headings}


def test_the_walk_finds_every_command_of_the_cli() -> None:
    # A guard for the walk itself: if it found nothing, the tests below would pass vacuously.
    assert {"init", "scan", "import", "library add show", "config show"} <= set(LEAVES)
    assert "--tmdb-id" in _option_strings(LEAVES["library add movie"])


@pytest.mark.parametrize("path", sorted(" ".join(p) for p in COMMANDS))
def test_every_command_path_is_in_the_command_reference(path: str) -> None:
    assert f"mydia-import {path}" in COMMANDS_PAGE.read_text(encoding="utf-8"), (
        f"docs/reference/commands.md does not mention `mydia-import {path}`"
    )


@pytest.mark.parametrize("path", sorted(LEAVES))
def test_every_command_has_its_own_section_in_the_command_reference(path: str) -> None:
    sections = _sections(COMMANDS_PAGE.read_text(encoding="utf-8"))
    assert path in sections, f"docs/reference/commands.md has no section `## mydia-import {path}`"


@pytest.mark.parametrize("path", sorted(LEAVES))
def test_every_option_of_a_command_is_documented_in_its_section(path: str) -> None:
    section = _sections(COMMANDS_PAGE.read_text(encoding="utf-8")).get(path, "")
    missing = [opt for opt in _option_strings(LEAVES[path]) if not _mentions(section, opt, before="`")]
    assert not missing, f"`mydia-import {path}` section lacks the option(s) {missing}"


@pytest.mark.parametrize("path", sorted(LEAVES))
def test_every_argument_of_a_command_is_documented_in_its_section(path: str) -> None:
    section = _sections(COMMANDS_PAGE.read_text(encoding="utf-8")).get(path, "")
    missing = [name for name in _argument_names(LEAVES[path]) if not _mentions(section, name, before="`")]
    assert not missing, f"`mydia-import {path}` section lacks the argument(s) {missing}"


def test_every_global_option_is_documented_in_the_global_options_section() -> None:
    section = _sections(COMMANDS_PAGE.read_text(encoding="utf-8")).get(GLOBAL_OPTIONS_HEADING, "")
    missing = [opt for opt in _option_strings(ROOT) if not _mentions(section, opt, before="`")]
    assert not missing, f"the Global options section lacks {missing}"


@pytest.mark.parametrize("key", KEYS, ids=lambda key: key.dotted)
def test_every_config_key_is_documented_with_its_env_name(key) -> None:
    text = CONFIG_PAGE.read_text(encoding="utf-8")
    name = f"[{key.section}] {key.name}"
    assert _mentions(text, name), f"docs/reference/config.md lacks `{name}`"
    assert _mentions(text, key.env), f"docs/reference/config.md lacks the environment variable {key.env}"


def test_every_page_linked_from_the_index_exists() -> None:
    missing = sorted(str(p) for p in _links(INDEX_PAGE) if not p.is_file())
    assert not missing, f"docs/index.md links to missing page(s) {missing}"


def test_every_docs_page_is_linked_from_the_index() -> None:
    pages = {p.resolve() for p in DOCS.rglob("*.md")} - {INDEX_PAGE.resolve()}
    unlinked = sorted(str(p.relative_to(DOCS)) for p in pages - _links(INDEX_PAGE))
    assert not unlinked, f"docs/index.md does not link {unlinked}"


def test_every_local_link_in_the_docs_points_to_an_existing_file_and_heading() -> None:
    broken = []
    for page in sorted(DOCS.rglob("*.md")):
        for target, anchor in _targets(page):
            if not target.exists():
                broken.append(f"{page.relative_to(DOCS)} -> {target}")
            elif anchor and target.suffix == ".md" and anchor not in _anchors(target):
                broken.append(f"{page.relative_to(DOCS)} -> {target.name}#{anchor}")
    assert not broken, f"broken links: {broken}"


def _complete_file() -> dict[tuple[str, str], str | None]:
    """The "A complete file" example of config.md: (section, key) -> the value's TOML text, or None
    for a key shown commented out (unset by default)."""
    text = CONFIG_PAGE.read_text(encoding="utf-8")
    block = text[text.index("```toml", text.index("## A complete file")) + 7:]
    block = block[:block.index("```")]
    found: dict[tuple[str, str], str | None] = {}
    section = ""
    for line in block.splitlines():
        if m := re.match(r"\[(\w+)\]", line):
            section = m[1]
        elif m := re.match(r"(#\s*)?(\w+) = (.*)", line):
            found[(section, m[2])] = None if m[1] else m[3]
    return found


def test_the_complete_config_file_in_the_docs_shows_every_key_and_nothing_else():
    documented = set(_complete_file())
    declared = {(key.section, key.name) for key in KEYS}
    assert documented - declared == set(), "config.md's complete file shows keys the tool does not know"
    assert declared - documented == set(), "config.md's complete file lacks keys"


@pytest.mark.parametrize("key", [k for k in KEYS if k.default is not None and not callable(k.default)],
                         ids=lambda key: key.dotted)
def test_the_complete_config_file_in_the_docs_gives_each_default(key):
    import tomllib

    from mydia_import.config import _plain

    value = _complete_file().get((key.section, key.name))
    assert value is not None, f"[{key.section}] {key.name} is commented out but has a default"
    assert tomllib.loads(f"v = {value}")["v"] == _plain(key.default)


DECISIONS_PAGE = DOCS / "reference" / "decisions.md"


def _documented_codes() -> dict[str, str]:
    """code -> its 'permanent' cell, from the table of the Codes section of decisions.md."""
    section = DECISIONS_PAGE.read_text(encoding="utf-8").split("\n## Codes\n", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `([a-z-]+)` \|.*\| (yes|no) \|$", section, re.MULTILINE)
    return dict(rows)


@pytest.mark.parametrize("code", list(Code), ids=str)
def test_every_decision_code_is_documented_with_its_permanence(code) -> None:
    documented = _documented_codes()
    assert str(code) in documented, f"docs/reference/decisions.md#codes lacks `{code}`"
    assert documented[str(code)] == ("yes" if code.permanent else "no")


def test_the_decisions_page_documents_no_code_that_does_not_exist() -> None:
    assert set(_documented_codes()) <= {str(c) for c in Code}
