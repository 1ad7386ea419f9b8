"""A property of the library over any sequence of imports: whatever releases of one movie come,
in whatever order, containers and qualities, and whatever conflict policy but keep-both, the
library ends with one video of the movie and one media_files row for it, and that video is the
one the policy promises: the best of them under `upgrade` (quality, then size), the first under
`skip` and `fail`, the last under `replace`."""

from __future__ import annotations

import json
import shutil
import sqlite3
import tempfile
from pathlib import Path

from conftest import E2E_LIBRARY, Workspace, create_database, write_config, write_file, write_text
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mydia_import.plan.quality import Quality

RESOLUTIONS = ("480p", "720p", "1080p", "2160p")
SOURCES = ("HDTV", "WEB-DL", "BluRay")
CONTAINERS = ("mkv", "mp4", "avi")

release = st.tuples(st.sampled_from(RESOLUTIONS), st.sampled_from(SOURCES), st.sampled_from(CONTAINERS))
# Distinct sizes: no two releases tie on every count, so "the best" is one release.
releases = st.lists(release, min_size=1, max_size=5).flatmap(
    lambda rs: st.permutations(range(1, len(rs) + 1)).map(lambda sizes: list(zip(rs, sizes, strict=True))))


def world(root: Path) -> Workspace:
    library = root / "library"
    ws = Workspace(root=root, downloads=root / "downloads", library=library, movies=library / "Movies",
                   tv=library / "TV", db=root / "library.db", config=root / "config.toml")
    for folder in (ws.downloads, ws.movies, ws.tv):
        folder.mkdir(parents=True)
    write_config(ws.config, database=ws.db, movies=ws.movies, tv=ws.tv, downloads=ws.downloads)
    create_database(ws)
    ws.ok("library", "load", str(write_text(root / "library.json", json.dumps(E2E_LIBRARY))))
    return ws


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sequence=releases, policy=st.sampled_from(["skip", "upgrade", "replace", "fail"]))
def test_any_sequence_of_releases_of_one_movie_leaves_one_video_and_the_one_the_policy_promises(
        isolated_env, sequence, policy):
    root = Path(tempfile.mkdtemp(prefix="one-per-item-"))
    try:
        ws = world(root)
        sources = []
        for n, ((resolution, source, container), size) in enumerate(sequence):
            name = f"Inception.2010.{resolution}.{source}.x264-G{n}"
            path = write_file(ws.downloads / name / f"{name}.{container}", size * 1024)
            sources.append((Quality(resolution, source, 0, path.stat().st_size), path))
            result = ws.cli("--json", "import", str(path.parent), "--conflict", policy)
            assert result.exit_code in (0, 4), result.stdout + result.stderr

        folder = ws.movies / "Inception (2010)"
        videos = [p for p in folder.iterdir() if p.suffix.lstrip(".") in CONTAINERS]
        assert len(videos) == 1, sorted(p.name for p in videos)
        with sqlite3.connect(ws.db) as conn:
            recorded = [Path(r[0]) for r in conn.execute("SELECT path FROM media_files")]
        assert recorded == videos

        expected = {"upgrade": max(sources, key=lambda s: s[0].key()), "skip": sources[0], "fail": sources[0],
                    "replace": sources[-1]}[policy][1]
        assert videos[0].read_bytes() == expected.read_bytes()
    finally:
        shutil.rmtree(root, ignore_errors=True)
