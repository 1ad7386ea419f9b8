"""models.Results: a run's FileResults kept as compact rows (paths as text), read back as
FileResults; Report answers the same for a Results as for a tuple of the same results; and
PlannedFile.result(), what a decision reports before anything is done."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mydia_import.models import (
    Action,
    Candidate,
    EpisodeRef,
    FileResult,
    Kind,
    LibraryRoot,
    Match,
    MediaRef,
    MediaType,
    PlannedFile,
    Report,
    Results,
    Status,
)

MOVIES = LibraryRoot("root-movies", Path("/library/movies"), "movies")
INCEPTION = Match(MediaRef("movie-1", MediaType.MOVIE, "Inception", 2010))
PILOT = Match(MediaRef("show-1", MediaType.TV_SHOW, "Breaking Bad", 2008), (EpisodeRef("ep-1", 1, 1, "Pilot"),))
NOT_UTF8 = Path("/downloads") / os.fsdecode(b"caf\xe9") / os.fsdecode(b"caf\xe9.mkv")  # surrogateescape

IMPORTED = FileResult(Path("/downloads/Inception.2010.mkv"), Kind.VIDEO, Status.IMPORTED, Action.HARDLINK,
                      MOVIES.path / "Inception (2010)" / "Inception (2010).mkv", None, INCEPTION,
                      media_file_id="file-1", size=1234, expected=True, note="numbers disagree")
SKIPPED = FileResult(Path("/downloads/x/sample.mkv"), Kind.VIDEO, Status.SKIPPED, reason="looks like a sample",
                     size=10, expected=False)
FAILED = FileResult(Path("/downloads/BB.S01E01.mkv"), Kind.VIDEO, Status.FAILED, Action.COPY,
                    Path("/library/tv/Breaking Bad (2008)/Season 01/x.mkv"), "no space left", PILOT, size=99)
PLANNED = FileResult(Path("/downloads/Inception.2010.en.srt"), Kind.SUBTITLE, Status.PLANNED, Action.COPY,
                     MOVIES.path / "Inception (2010)" / "Inception (2010).en.srt", match=INCEPTION)
ALREADY = FileResult(Path("/downloads/Primer.mkv"), Kind.VIDEO, Status.ALREADY_IMPORTED,
                     destination=MOVIES.path / "Primer" / "Primer.mkv")
REFUSED = FileResult(Path("/downloads/Unknown.2010.mkv"), Kind.VIDEO, Status.SKIPPED,
                     reason="no movie called 'Unknown (2010)'")


@pytest.mark.parametrize("result", [
    IMPORTED,
    SKIPPED,  # destination None
    FileResult(NOT_UTF8, Kind.VIDEO, Status.PLANNED, Action.COPY, MOVIES.path / os.fsdecode(b"caf\xe9.mkv")),
    FileResult(NOT_UTF8, Kind.SUBTITLE, Status.SKIPPED, reason=f"its video {NOT_UTF8.name} is not imported"),
], ids=["every-field", "no-destination", "not-utf8-name", "not-utf8-no-destination"])
def test_a_result_read_back_from_results_is_the_result_put_in(result):
    results = Results([result])

    [back] = results

    assert back == result
    assert results[0] == result
    assert isinstance(back.source, Path)
    assert back.destination is None or isinstance(back.destination, Path)
    assert back.source.name == result.source.name  # the same str, surrogates included
    assert os.fsencode(back.source) == os.fsencode(result.source)


def test_results_append_extend_iterate_and_count_in_order():
    results = Results()
    assert len(results) == 0 and list(results) == []

    results.append(IMPORTED)
    results.extend([SKIPPED, FAILED])
    results.extend(iter([PLANNED]))  # any iterable, a generator too

    assert len(results) == 4
    assert list(results) == [IMPORTED, SKIPPED, FAILED, PLANNED]
    assert [results[i] for i in range(-4, 4)] == [IMPORTED, SKIPPED, FAILED, PLANNED] * 2
    assert results.index(FAILED) == 2 and PLANNED in results and ALREADY not in results


def test_setitem_replaces_one_result():
    results = Results([IMPORTED, SKIPPED, FAILED])

    results[1] = PLANNED
    results[-1] = ALREADY

    assert list(results) == [IMPORTED, PLANNED, ALREADY]


def test_a_slice_of_results_is_a_list_of_results():
    results = Results([IMPORTED, SKIPPED, FAILED, PLANNED])

    assert results[1:3] == [SKIPPED, FAILED]
    assert results[::-2] == [PLANNED, SKIPPED]
    assert results[5:] == []


def test_statuses_gives_each_status_and_whether_the_file_was_expected_in_order():
    results = Results([IMPORTED, SKIPPED, FAILED, PLANNED])
    results[0] = ALREADY
    assert list(results.statuses()) == [(Status.ALREADY_IMPORTED, True), (Status.SKIPPED, False),
                                        (Status.FAILED, True), (Status.PLANNED, True)]


@pytest.mark.parametrize("files, code", [
    ((), 0),
    ((IMPORTED, ALREADY, PLANNED), 0),
    ((SKIPPED,), 0),  # only what nobody expects: nothing to do
    ((IMPORTED, SKIPPED, REFUSED), 0),
    ((REFUSED, SKIPPED), 4),
    ((FAILED,), 4),
    ((IMPORTED, FAILED, SKIPPED), 3),
])
def test_a_report_answers_the_same_for_results_as_for_a_tuple(files, code):
    as_tuple = Report("job-1", False, files)
    as_results = Report("job-1", False, Results(files))

    assert as_results.summary() == as_tuple.summary()
    assert as_results.exit_code() == as_tuple.exit_code() == code
    assert all(as_results.count(s) == as_tuple.count(s) for s in Status)
    assert as_results.to_json() == as_tuple.to_json()
    assert sum(as_tuple.summary().values()) == len(files)


def test_a_report_counts_each_status():
    report = Report(None, True, Results([IMPORTED, SKIPPED, FAILED, PLANNED, ALREADY, REFUSED]))
    assert report.summary() == {"imported": 1, "planned": 1, "already_imported": 1, "skipped": 2, "failed": 1}


# --- PlannedFile.result ------------------------------------------------------------------------

def planned_file(status: Status, reason: str | None = None) -> PlannedFile:
    candidate = Candidate(Path("/downloads/Inception.2010/Inception.2010.mkv"), Path("/downloads/Inception.2010"),
                          700, Kind.VIDEO, expected=status is not Status.SKIPPED)
    return PlannedFile(candidate, status, Action.COPY, MOVIES.path / "Inception (2010)" / "Inception (2010).mkv",
                       MOVIES, match=INCEPTION, reason=reason, note="a note")


def test_a_planned_file_reports_its_action_and_destination():
    p = planned_file(Status.PLANNED)
    assert p.result() == FileResult(p.candidate.path, Kind.VIDEO, Status.PLANNED, Action.COPY, p.destination,
                                    None, INCEPTION, size=700, expected=True, note="a note")


@pytest.mark.parametrize("status, destination", [
    (Status.SKIPPED, False), (Status.ALREADY_IMPORTED, True), (Status.FAILED, True),
])
def test_a_file_that_is_not_planned_reports_no_action_and_a_skipped_one_no_destination(status, destination):
    p = planned_file(status, "why")
    result = p.result()
    assert (result.status, result.action, result.reason) == (status, Action.NONE, "why")
    assert result.destination == (p.destination if destination else None)
    assert result.expected is p.candidate.expected
