"""The library's batch lookups and writes give what the one-at-a-time ones give, through indexes."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mydia_import.library import Library
from mydia_import.library.journal import DONE, Identity
from mydia_import.models import Action, FileResult, Kind, LibraryRoot, Match, MediaType, Status


@pytest.fixture
def lib(tmp_path) -> Library:
    lib = Library.open(tmp_path / "library.db")
    lib.add_show("Breaking Bad", 2008, seasons={1: 3})
    yield lib
    lib.close()


def _journal(lib: Library, source: str, destination: str, state: str = DONE, finished: str | None = None,
             operation: str = "hardlink") -> str:
    job = lib.start_job("import", {}, operation)
    entry = lib.journal.begin(job, kind="video", operation=operation, source=Path(source),
                              source_identity=Identity(10, 1, 2), destination=Path(destination),
                              record={"root": {"id": "r", "path": "/tv", "type": "series"}})
    lib.journal.finish(entry, state, dest_identity=Identity(10, 1, 2))
    if finished:
        lib.db.execute("UPDATE import_transfers SET finished_at = ? WHERE id = ?", [finished, entry])
    return entry


def test_done_from_many_gives_what_done_from_gives(lib):
    _journal(lib, "/dl/a.mkv", "/tv/a1.mkv", finished="2020-01-01T00:00:00Z")
    _journal(lib, "/dl/a.mkv", "/tv/a2.mkv", finished="2021-01-01T00:00:00Z")  # the latest wins
    _journal(lib, "/dl/b.mkv", "/tv/b.mkv", state="failed")
    _journal(lib, "/dl/c\udcff.mkv", "/tv/c.mkv")  # a name that is not UTF-8: stored as bytes
    sources = [Path(p) for p in ("/dl/a.mkv", "/dl/b.mkv", "/dl/c\udcff.mkv", "/dl/none.mkv")]
    many = lib.journal.done_from_many(sources)
    one = {s: e for s in sources if (e := lib.journal.done_from(s)) is not None}
    assert many == one
    assert many[Path("/dl/a.mkv")].destination == Path("/tv/a2.mkv")
    assert set(many) == {Path("/dl/a.mkv"), Path("/dl/c\udcff.mkv")}


def test_done_from_many_answers_more_sources_than_one_query_takes(lib):
    for i in range(3):
        _journal(lib, f"/dl/{i}.mkv", f"/tv/{i}.mkv")
    sources = [Path(f"/dl/{i}.mkv") for i in range(1200)]
    assert sorted(lib.journal.done_from_many(sources)) == [Path(f"/dl/{i}.mkv") for i in range(3)]


def _record(lib: Library, root: LibraryRoot, relative: str) -> str:
    show = lib.find_items("breakingbad", MediaType.TV_SHOW)[0]
    episodes = tuple(lib.find_episodes(show.id, 1, [1]))
    return lib.record_file(root, relative, size=5, match=Match(show, episodes), release=None, metadata={})


def test_file_ids_at_and_existing_files_give_what_file_at_gives(lib, tmp_path):
    root = lib.ensure_root(tmp_path / "tv", "series")
    a = _record(lib, root, "Breaking Bad/S01E01.mkv")
    relatives = ["Breaking Bad/S01E01.mkv", "Breaking Bad/S01E02.mkv"]
    assert lib.file_ids_at(root, relatives) == {
        r: f.id for r in relatives if (f := lib.file_at(root, r)) is not None} == {relatives[0]: a}
    assert lib.existing_files([a, "gone"]) == {a}


def test_file_ids_at_finds_rows_whose_legacy_path_moved_with_their_root(lib, tmp_path):
    root = lib.ensure_root(tmp_path / "tv", "series")
    a = _record(lib, root, "Breaking Bad/S01E01.mkv")
    lib.db.execute("UPDATE media_files SET path = '/old/place.mkv' WHERE id = ?", [a])
    with Library.open(tmp_path / "library.db") as fresh:  # a run that has not seen the root yet
        assert fresh.file_ids_at(root, ["Breaking Bad/S01E01.mkv"]) == {"Breaking Bad/S01E01.mkv": a}
        assert fresh.file_at(root, "Breaking Bad/S01E01.mkv").id == a


def test_record_job_files_writes_the_rows_record_job_file_writes(lib):
    show = lib.find_items("breakingbad", MediaType.TV_SHOW)[0]
    result = FileResult(source=Path("/dl/x.mkv"), kind=Kind.VIDEO, status=Status.ALREADY_IMPORTED,
                        action=Action.NONE, destination=Path("/tv/x.mkv"),
                        match=Match(show, tuple(lib.find_episodes(show.id, 1, [1]))), media_file_id=None, size=7)
    skipped = FileResult(source=Path("/dl/y.mkv"), kind=Kind.VIDEO, status=Status.SKIPPED, reason="why")
    one, many = lib.start_job("scan", {}, "auto"), lib.start_job("scan", {}, "auto")
    for r, name in ((result, "X"), (skipped, None)):
        lib.record_job_file(one, r, release_name=name)
    lib.record_job_files(many, [(result, "X"), (skipped, None)])

    def rows(job):
        return [(f.source, f.status, f.reason, f.release_name, f.media_item_id, f.episodes, f.size)
                for f in lib.job_files(job)]

    assert rows(one) == rows(many)
    assert lib.job_summary_counts(many)["already_imported"] == 1


def test_find_items_answers_again_from_memory_until_the_catalog_changes(lib):
    statements: list[str] = []
    with lib.db.tracer(lambda sql, params: statements.append(sql)):
        first = lib.find_items("breakingbad", MediaType.TV_SHOW)
        assert lib.find_items("breakingbad", MediaType.TV_SHOW) == first
    assert len(statements) == 1
    lib.add_show("Breaking Bad", 2020)
    assert len(lib.find_items("breakingbad", MediaType.TV_SHOW)) == 2
    lib.load({"movies": [{"title": "Breaking Bad", "year": 2021}]})
    assert len(lib.find_items("breakingbad", MediaType.MOVIE)) == 1


def test_the_journal_lookups_of_every_run_use_an_index(lib):
    """Not the state index: it holds every finished transfer, and a scan asks once per file."""
    for i in range(5):
        _journal(lib, f"/dl/{i}.mkv", f"/tv/{i}.mkv")
    statements: list[tuple[str, object]] = []
    with lib.db.tracer(lambda sql, params: statements.append((sql, params))):
        lib.journal.done_from(Path("/dl/1.mkv"))
        lib.journal.done_from_many([Path("/dl/1.mkv")])
        lib.journal.later_replacement(Path("/tv/1.mkv"), "2000")
        lib.journal.recycled_before("2100")
        lib.journal.moved_videos_under(Path("/dl"))
    for sql, params in statements:
        plan = [r["detail"] for r in lib.db.rows(f"EXPLAIN QUERY PLAN {sql}", params or ())]
        assert not [s for s in plan if s.startswith("SCAN")], (sql, plan)
        assert not [s for s in plan if "state_index" in s], (sql, plan)


def test_moved_videos_under_finds_moves_out_of_a_release_whatever_bytes_its_names_hold(lib):
    _journal(lib, "/dl/Rel/a.mkv", "/tv/a.mkv", operation="move")
    _journal(lib, "/dl/Rel/Sub/b\udcff.mkv", "/tv/b.mkv", operation="move")  # stored as bytes
    _journal(lib, "/dl/Rel/c.mkv", "/tv/c.mkv")  # a hardlink: still in the downloads
    _journal(lib, "/dl/Rel2/d.mkv", "/tv/d.mkv", operation="move")  # another release
    _journal(lib, "/dl/Bad\udcfe/e.mkv", "/tv/e.mkv", operation="move")  # a release not UTF-8
    _journal(lib, "/dl/Bad\udcfe2/f.mkv", "/tv/f.mkv", operation="move")
    assert sorted(e.source for e in lib.journal.moved_videos_under(Path("/dl/Rel"))) == [
        Path("/dl/Rel/Sub/b\udcff.mkv"), Path("/dl/Rel/a.mkv")]
    assert [e.source for e in lib.journal.moved_videos_under(Path("/dl/Bad\udcfe"))] == [
        Path("/dl/Bad\udcfe/e.mkv")]


def test_recycled_before_still_finds_recycled_files_stored_as_bytes(lib):
    entry = _journal(lib, "/dl/a.mkv", "/tv/a.mkv")
    lib.db.execute("UPDATE import_transfers SET recycled = ?, finished_at = '2000' WHERE id = ?",
                   [b"/tv/.mydia-recycle/a\xff.mkv", entry])
    assert [e.id for e in lib.journal.recycled_before("2100")] == [entry]


def test_transactions_nest_as_savepoints_and_an_inner_failure_takes_back_only_its_own_writes(tmp_path):
    with Library.open(tmp_path / "x.db") as lib:
        with pytest.raises(RuntimeError), lib.transaction():
            lib.add_movie("Heat", 1995)
            raise RuntimeError("taken back")
        with lib.transaction():
            lib.add_movie("Alien", 1979)
            with pytest.raises(RuntimeError), lib.transaction():  # a savepoint inside
                lib.add_movie("Heat", 1995)
                raise RuntimeError("only this")
        assert [i.ref.title for i in lib.list_items()] == ["Alien"]
        assert lib.db.value("PRAGMA journal_mode") == "wal"


def test_history_line_ids_are_uuid7s_in_the_order_they_were_made(monkeypatch):
    import time
    import uuid

    from mydia_import.library import db

    clock = iter(range(1_700_000_000_000_000_000, 1_800_000_000_000_000_000, 1_000_000))
    monkeypatch.setattr(time, "time_ns", lambda: next(clock))
    ids = [db.ordered_id() for _ in range(50)]
    assert ids == sorted(ids)
    assert {uuid.UUID(i).version for i in ids} == {7}
    assert {uuid.UUID(i).variant for i in ids} == {uuid.RFC_4122}


@given(st.text(alphabet="ab./\\ é", max_size=12))
def test_a_relative_path_taken_as_it_is_is_what_the_full_check_gives(text):
    from pathlib import PurePath

    from mydia_import.library import files

    if files._PLAIN_RELATIVE.fullmatch(text):
        pure = PurePath(text)
        assert pure.as_posix() == text and pure.parts and not pure.is_absolute() and ".." not in pure.parts
