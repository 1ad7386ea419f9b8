"""decisions.py: each reason's rule gives a code, the user's words and whether it is permanent; the
code rides along with the reason through plans, results, their compact rows and --json."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from mydia_import import decisions as rules
from mydia_import.decisions import Code, Decision, decision
from mydia_import.models import Candidate, FileResult, Kind, PlannedFile, Results, Status


def test_a_rule_gives_its_code_and_the_words_users_read():
    why = rules.incomplete(".!qB")
    assert why == Decision(Code.INCOMPLETE, "the download is not complete yet (.!qB file); "
                                            "it will be imported when the client finishes it")
    assert not why.permanent


@pytest.mark.parametrize("code", [Code.INCOMPLETE, Code.STILL_WRITTEN, Code.NO_SPACE, Code.VIDEO_FAILED,
                                  Code.INTERRUPTED, Code.TRANSFER_FAILED])
def test_what_a_later_run_may_import_by_itself_is_temporary(code):
    assert not code.permanent


@pytest.mark.parametrize("code", [Code.SAMPLE, Code.UNKNOWN_TITLE, Code.DESTINATION_TAKEN, Code.NOT_AN_UPGRADE,
                                  Code.HANDLED_BEFORE, Code.PERMISSION, Code.HARDLINK_IMPOSSIBLE])
def test_what_stays_until_somebody_acts_is_permanent(code):
    assert code.permanent


@pytest.mark.parametrize("number, linking, code", [
    (errno.ENOSPC, False, Code.NO_SPACE),
    (errno.EACCES, False, Code.PERMISSION),
    (errno.EROFS, True, Code.PERMISSION),
    (errno.EPERM, False, Code.PERMISSION),
    (errno.EPERM, True, Code.HARDLINK_IMPOSSIBLE),
    (errno.EXDEV, True, Code.HARDLINK_IMPOSSIBLE),
    (errno.EMLINK, True, Code.HARDLINK_IMPOSSIBLE),
    (errno.EIO, False, Code.TRANSFER_FAILED),
    (None, False, Code.TRANSFER_FAILED),
])
def test_a_failed_transfer_is_coded_by_its_error_number(number, linking, code):
    assert rules.transfer_failed("copying a to b failed: …", number, linking=linking).code is code


def test_a_stored_code_reads_back_and_an_unknown_or_missing_one_is_none():
    assert decision("sample", "looks like a sample: x") == Decision(Code.SAMPLE, "looks like a sample: x")
    assert decision("no-such-code", "words") is None
    assert decision(None, "words from before codes") is None
    assert decision("sample", None) is None


def test_why_sets_the_reason_and_its_code_on_plans_results_and_candidates():
    sample = rules.sample("its name says sample")
    candidate = Candidate(Path("/d/R/sample.mkv"), Path("/d/R"), 1, Kind.VIDEO, why=sample)
    assert (candidate.skip_reason, candidate.skip_code) == ("looks like a sample: its name says sample", Code.SAMPLE)
    planned = PlannedFile(candidate, Status.SKIPPED, reason=candidate.skip_reason, code=candidate.skip_code)
    assert planned.decision == candidate.skip
    result = planned.result()
    assert result.code is Code.SAMPLE and result.to_json()["code"] == "sample"


def test_compact_results_keep_each_files_code():
    failed = FileResult(Path("/d/a.mkv"), Kind.VIDEO, Status.FAILED, why=rules.transfer_failed("disk said no"))
    imported = FileResult(Path("/d/b.mkv"), Kind.VIDEO, Status.IMPORTED)
    assert [r.code for r in Results([failed, imported])] == [Code.TRANSFER_FAILED, None]
    assert imported.to_json()["code"] is None and imported.decision is None
