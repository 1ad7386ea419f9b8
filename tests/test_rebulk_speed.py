"""The rebulk speed-ups (identify/rebulk_speed.py) change nothing guessit says, about any property."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_parse_speed import HANDWRITTEN, generated_names

from mydia_import.identify import parse, rebulk_speed

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"
OPTIONS = {"excludes": list(parse.EXCLUDES), "type": "episode"}  # what the tool asks, with a type hint

# Runs in a fresh process: the names through guessit as identify/parse.py loads it, every property of the
# answer in order (values as repr: languages, dates), and which rebulk methods are patched.
_SCRIPT = """
import json, sys
from mydia_import.identify import parse, rebulk_speed
from rebulk import match, rebulk, rules

if len(sys.argv) > 2:
    import rebulk.__version__ as about
    about.__version__ = sys.argv[2]
guessit = parse._load_guessit()
patched = sorted(f"{cls.__name__}.{name}" for cls in (rules.Rules, rebulk.Rebulk, match._BaseMatches)
                 for name, value in vars(cls).items()
                 if getattr(value, "__module__", None) == rebulk_speed.__name__)

def guess(name, options):
    try:
        return [[key, repr(value)] for key, value in guessit(name, options).items()]
    except Exception as error:
        return repr(error)

jobs = json.load(open(sys.argv[1], encoding="utf-8"))
json.dump({"patched": patched, "guesses": [guess(name, options) for name, options in jobs]}, sys.stdout)
"""


def _start(jobs: Path, plain: bool, version: str | None = None) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k != rebulk_speed.ENV}
    if plain:
        env[rebulk_speed.ENV] = "1"
    return subprocess.Popen([sys.executable, "-c", _SCRIPT, str(jobs), *([version] if version else [])], env=env,
                            stdout=subprocess.PIPE, text=True)


def _finish(run: subprocess.Popen) -> dict:
    try:
        out, _ = run.communicate(timeout=180)
    except subprocess.TimeoutExpired:
        run.kill()
        run.communicate()
        raise
    assert run.returncode == 0
    return json.loads(out)


def _write(path: Path, jobs: list[tuple[str, dict]]) -> Path:
    path.write_text(json.dumps(jobs), encoding="utf-8")
    return path


def _corpus_names() -> list[str]:
    names = []
    for file in ("sonarr_episodes.tsv", "radarr_movies.tsv"):
        with (CORPUS / file).open(encoding="utf-8", newline="") as rows:
            reader = csv.DictReader(rows, delimiter="\t", quoting=csv.QUOTE_NONE)
            names += [row["release_name"] for row in reader]
    return names


@pytest.fixture(scope="module")
def guesses(tmp_path_factory) -> dict:
    """guessit's answers for the generated names, the handwritten ones and the shared corpus (when
    it is there), plain and patched, each from its own process (the two run side by side)."""
    generated = HANDWRITTEN + generated_names(200)
    corpus = _corpus_names() if (CORPUS / "sonarr_episodes.tsv").is_file() else []
    jobs = [(name, {}) for name in generated + corpus] + [(name, OPTIONS) for name in (generated + corpus)[::6]]
    path = _write(tmp_path_factory.mktemp("guessit") / "jobs.json", jobs)
    runs = {"plain": _start(path, plain=True), "patched": _start(path, plain=False)}
    out = {key: _finish(run) for key, run in runs.items()}
    return {"jobs": jobs, "generated": set(generated), "corpus": set(corpus), **out}


def _differences(guesses: dict, names: set[str]) -> list:
    return [(name, options, plain, patched) for (name, options), plain, patched
            in zip(guesses["jobs"], guesses["plain"]["guesses"], guesses["patched"]["guesses"], strict=True)
            if name in names and plain != patched]


def test_guessit_says_the_same_about_every_generated_name_with_and_without_the_speed_ups(guesses):
    assert guesses["plain"]["patched"] == []
    assert len(guesses["patched"]["patched"]) >= 4  # they did run patched
    assert _differences(guesses, guesses["generated"]) == []


def test_guessit_says_the_same_about_every_corpus_name_with_and_without_the_speed_ups(guesses):
    if not guesses["corpus"]:
        pytest.skip(f"no corpus at {CORPUS}")
    assert _differences(guesses, guesses["corpus"]) == []


def test_plain_guessit_variable_leaves_rebulk_as_it_is(tmp_path):
    assert _finish(_start(_write(tmp_path / "jobs.json", []), plain=True))["patched"] == []


def test_a_rebulk_version_not_checked_is_left_as_it_is(tmp_path):
    jobs = _write(tmp_path / "jobs.json", [])
    assert _finish(_start(jobs, plain=False, version="6.1.0"))["patched"] == []
    assert _finish(_start(jobs, plain=False, version="6.0.1"))["patched"] != []


def test_install_is_idempotent(monkeypatch):
    from rebulk.match import _BaseMatches
    from rebulk.rules import Rules

    monkeypatch.delenv(rebulk_speed.ENV, raising=False)
    assert rebulk_speed.install() is True
    first = (Rules.execute_all_rules, _BaseMatches.range)
    assert rebulk_speed.install() is True
    assert (Rules.execute_all_rules, _BaseMatches.range) == first
    assert first[0].__module__ == rebulk_speed.__name__


@pytest.mark.parametrize(("version", "checked"), [
    ("6.0.1", True), ("6.0.9", False), ("6.0.2", False), ("6.0.0", False), ("6.1.0", False), ("7.0", False),
    ("5.9.9", False), ("dev", False),
])
def test_only_the_rebulk_releases_the_patches_were_read_against_are_patched(version, checked):
    assert rebulk_speed.checked(version) is checked


def test_the_state_says_why_the_patches_are_off(monkeypatch):
    monkeypatch.setenv(rebulk_speed.ENV, "1")
    assert rebulk_speed.state() == (False, f"guessit runs on plain rebulk ({rebulk_speed.ENV} is set)")
    monkeypatch.delenv(rebulk_speed.ENV)
    monkeypatch.setattr(rebulk_speed, "rebulk_version", lambda: "6.0.2")
    patched, why = rebulk_speed.state()
    assert not patched and "rebulk 6.0.2 is not a release the speed-ups were read against (6.0.1)" in why


def test_verbose_runs_say_once_that_guessit_runs_without_the_speed_ups(workspace, monkeypatch):
    monkeypatch.setenv(rebulk_speed.ENV, "1")
    result = workspace.cli("-v", "identify", "Inception.2010.1080p.BluRay.x264-GRP.mkv")
    assert result.exit_code == 0
    assert result.output.count("note: guessit runs on plain rebulk") == 1
    monkeypatch.delenv(rebulk_speed.ENV)
    assert "plain rebulk" not in workspace.cli("-v", "identify", "Inception.2010.mkv").output


def _patched_in_a_worker(names: list[str]) -> list[str]:
    """What a pool worker patched after its first task (run in a spawned process)."""
    from rebulk.rules import Rules

    parse._parse_chunk(names, None)
    return [Rules.execute_all_rules.__module__]


def test_a_spawned_pool_worker_patches_rebulk_too(monkeypatch):
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    monkeypatch.delenv(rebulk_speed.ENV, raising=False)
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        assert pool.submit(_patched_in_a_worker, ["Show.S01E01.mkv"]).result(timeout=120) == [rebulk_speed.__name__]
