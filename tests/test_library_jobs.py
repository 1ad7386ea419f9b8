"""Import history: jobs and their files."""

from __future__ import annotations

from pathlib import Path

import pytest

from mydia_import.errors import LibraryError
from mydia_import.library import Library
from mydia_import.models import Action, FileResult, Kind, Match, MediaType, Status


@pytest.fixture
def lib() -> Library:
    lib = Library.memory()
    lib.add_show("Breaking Bad", 2008, seasons={1: 2})
    return lib


def _imported(lib: Library) -> FileResult:
    show = lib.find_items("breakingbad", MediaType.TV_SHOW)[0]
    episodes = tuple(lib.find_episodes(show.id, 1, [1, 2]))
    return FileResult(
        source=Path("/dl/Breaking.Bad.S01E01E02.mkv"), kind=Kind.VIDEO, status=Status.IMPORTED,
        action=Action.HARDLINK, destination=Path("/tv/Breaking Bad (2008)/x.mkv"),
        match=Match(show, episodes), media_file_id="mf1", size=1000,
    )


FAILED = FileResult(source=Path("/dl/junk.mkv"), kind=Kind.VIDEO, status=Status.FAILED,
                    reason="no space left on the device")


def test_a_job_records_its_command_arguments_files_and_outcome(lib):
    job_id = lib.start_job("import", {"paths": ["/dl"], "conflict": "skip"}, "auto")
    lib.record_job_file(job_id, _imported(lib), release_name="Breaking.Bad.S01E01E02")
    lib.finish_job(job_id, {"imported": 1, "failed": 0}, "ok")
    [job] = lib.jobs()
    assert (job.id, job.command, job.mode, job.status, job.dry_run) == (
        job_id, "import", "auto", "ok", False)
    assert job.arguments == {"paths": ["/dl"], "conflict": "skip"}
    assert job.summary == {"imported": 1, "failed": 0}
    assert job.files == 1
    assert job.finished_at >= job.started_at and job.started_at.tzinfo is not None


def test_job_files_come_back_as_recorded(lib):
    job_id = lib.start_job("scan", {}, "hardlink")
    result = _imported(lib)
    lib.record_job_file(job_id, result, release_name="Breaking.Bad.S01E01E02")
    lib.record_job_file(job_id, FAILED)
    imported, failed = lib.job_files(job_id)
    assert (imported.source, imported.destination, imported.kind, imported.action,
            imported.status) == (result.source, result.destination, Kind.VIDEO,
                                 Action.HARDLINK, Status.IMPORTED)
    assert imported.media_item == result.match.item
    assert [e.code() for e in imported.episodes] == ["S01E01", "S01E02"]
    assert (imported.media_file_id, imported.size, imported.release_name) == (
        "mf1", 1000, "Breaking.Bad.S01E01E02")
    assert imported.to_json()["episodes"] == [{"season": 1, "episode": 1},
                                              {"season": 1, "episode": 2}]
    assert (failed.status, failed.reason, failed.media_item) == (
        Status.FAILED, "no space left on the device", None)


def test_jobs_are_listed_newest_first_and_limited(lib):
    ids = [lib.start_job("scan", {"n": n}, "auto") for n in range(5)]
    assert [j.id for j in lib.jobs(limit=3)] == ids[::-1][:3]


def test_failed_only_lists_jobs_that_failed_or_had_a_failed_file(lib):
    ok = lib.start_job("scan", {}, "auto")
    lib.finish_job(ok, {}, "ok")
    failed = lib.start_job("scan", {}, "auto")
    lib.finish_job(failed, {}, "failed")
    with_failure = lib.start_job("import", {}, "copy")
    lib.record_job_file(with_failure, FAILED)
    lib.finish_job(with_failure, {}, "ok")
    interrupted = lib.start_job("scan", {}, "auto")
    lib.finish_job(interrupted, {}, "interrupted")
    assert {j.id for j in lib.jobs(failed_only=True)} == {failed, with_failure, interrupted}


def test_a_dry_run_job_says_so(lib):
    job_id = lib.start_job("scan", {}, "move", dry_run=True)
    assert lib.jobs()[0].dry_run is True and lib.job(job_id).status == "running"


def test_a_job_is_found_by_a_prefix_of_its_id(lib):
    job_id = lib.start_job("scan", {}, "auto")
    assert lib.job(job_id[:8]).id == job_id
    assert lib.job("ffffffff-no") is None


def test_finishing_an_unknown_job_is_an_error(lib):
    with pytest.raises(LibraryError, match="no import job nope"):
        lib.finish_job("nope", {}, "ok")


def test_deleting_a_job_deletes_its_files(lib):
    job_id = lib.start_job("scan", {}, "auto")
    lib.record_job_file(job_id, FAILED)
    assert lib.delete_job(job_id)
    assert lib.jobs() == [] and lib.job_files(job_id) == []


def test_history_keeps_a_file_whose_item_was_deleted(lib):
    job_id = lib.start_job("scan", {}, "auto")
    result = _imported(lib)
    lib.record_job_file(job_id, result)
    lib.db.execute("DELETE FROM media_items")
    [kept] = lib.job_files(job_id)
    assert (kept.media_item_id, kept.media_item) == (result.match.item.id, None)


def test_job_files_recorded_in_one_transaction(lib, tmp_path):
    path = tmp_path / "library.db"
    with Library.open(path) as writer, Library.open(path) as reader:
        job_id = writer.start_job("scan", {}, "auto")
        with writer.transaction():
            writer.record_job_file(job_id, FAILED)
            writer.record_job_file(job_id, FAILED)
            assert reader.job_files(job_id) == []  # not committed yet
        assert len(reader.job_files(job_id)) == 2
