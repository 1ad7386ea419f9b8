"""console.py: the progress listeners (Rich bars, plain lines, silence) and Ui.report."""

from __future__ import annotations

import io
import json
import os
from dataclasses import replace
from pathlib import Path

import pytest
from rich.console import Console

from mydia_import import console
from mydia_import.console import Ui, result_line
from mydia_import.models import Action, FileResult, Kind, Match, MediaRef, MediaType, Report, Results, Status
from mydia_import.pathtext import json_dumps
from mydia_import.progress import SilentListener

MOVIE = MediaRef("m1", MediaType.MOVIE, "Inception", 2010)

IMPORTED = FileResult(Path("/dl/a.mkv"), Kind.VIDEO, Status.IMPORTED, Action.COPY,
                      Path("/lib/Inception (2010)/Inception (2010).mkv"), match=Match(MOVIE), size=100)
LINKED = FileResult(Path("/dl/b.mkv"), Kind.VIDEO, Status.IMPORTED, Action.HARDLINK,
                    Path("/lib/b.mkv"), match=Match(MOVIE), size=200)
SKIPPED = FileResult(Path("/dl/sample.mkv"), Kind.VIDEO, Status.SKIPPED,
                     reason="looks like a sample: its name says sample", size=5)
FAILED = FileResult(Path("/dl/c.mkv"), Kind.VIDEO, Status.FAILED,
                    reason="copying /dl/c.mkv to /lib/c.mkv failed: permission denied", size=7)
ALREADY = FileResult(Path("/dl/d.mkv"), Kind.VIDEO, Status.ALREADY_IMPORTED, destination=Path("/lib/d.mkv"))
PLANNED = FileResult(Path("/dl/a.mkv"), Kind.VIDEO, Status.PLANNED, Action.HARDLINK,
                     Path("/lib/Inception (2010)/Inception (2010).mkv"), match=Match(MOVIE), size=100)


@pytest.fixture(autouse=True)
def wide(monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")  # so tables keep each row on one line


def terminal_ui() -> tuple[Ui, io.StringIO]:
    """A Ui whose stderr is a (pretend) terminal writing into a buffer."""
    buffer = io.StringIO()
    ui = Ui(stdout=io.StringIO(), stderr=buffer)
    ui.err = Console(file=buffer, force_terminal=True, width=120, highlight=False, soft_wrap=True)
    return ui, buffer


def tasks(listener) -> dict:
    return {t.id: t for t in listener.progress.tasks}


# --- the Rich view -------------------------------------------------------------------------


def test_the_rich_view_is_used_when_stderr_is_a_terminal():
    ui, _ = terminal_ui()
    listener = ui.listener()
    assert hasattr(listener, "progress"), type(listener)


def test_the_rich_view_advances_the_job_bar_and_the_file_bar_by_bytes():
    ui, buffer = terminal_ui()
    listener = ui.listener()
    listener.job_started(2, 300)
    try:
        job = tasks(listener)[listener.job]
        assert (job.total, job.completed) == (300, 0)

        listener.file_started(IMPORTED.source, 100, Action.COPY)
        current = listener.current
        assert tasks(listener)[current].total == 100
        assert "a.mkv" in tasks(listener)[current].description
        listener.bytes_done(30)
        assert tasks(listener)[current].completed == 30
        assert tasks(listener)[listener.job].completed == 30
        listener.bytes_done(70)
        assert tasks(listener)[current].completed == 100
        assert tasks(listener)[listener.job].completed == 100
        listener.file_finished(IMPORTED)
        assert current not in tasks(listener), "the file bar goes when its file is done"
        assert tasks(listener)[listener.job].completed == 100

        # A hardlink reports no bytes: its share of the job bar is done when it finishes.
        listener.file_started(LINKED.source, 200, Action.HARDLINK)
        assert "instant" in tasks(listener)[listener.current].description
        listener.file_finished(LINKED)
        job = tasks(listener)[listener.job]
        assert job.completed == 300 and job.finished
    finally:
        listener.job_finished(Report("job", False, (IMPORTED, LINKED)))
    assert not listener.progress.live.is_started
    out = buffer.getvalue()
    assert result_line(IMPORTED) in out
    assert result_line(LINKED) in out


def test_a_failed_file_finishes_its_share_of_the_job_bar():
    ui, buffer = terminal_ui()
    listener = ui.listener()
    listener.job_started(1, 50)
    listener.file_started(FAILED.source, 50, Action.COPY)
    listener.bytes_done(10)
    listener.file_finished(FAILED)
    assert tasks(listener)[listener.job].completed == 50
    listener.job_finished(Report("job", False, (FAILED,)))
    assert "failed: /dl/c.mkv: copying /dl/c.mkv to /lib/c.mkv failed: permission denied" in buffer.getvalue()


def test_the_rich_view_with_nothing_to_transfer_shows_no_bar():
    ui, buffer = terminal_ui()
    listener = ui.listener()
    listener.job_started(0, 0)
    listener.file_finished(SKIPPED)
    listener.job_finished(Report("job", False, (SKIPPED,)))
    assert listener.progress.tasks == []
    assert not listener.progress.live.is_started


def test_the_rich_view_shows_names_with_brackets_literally():
    ui, buffer = terminal_ui()
    listener = ui.listener()
    source = Path("/dl/Movie [2010] [bold]x[/bold].mkv")
    result = FileResult(source, Kind.VIDEO, Status.IMPORTED, Action.COPY, Path("/lib/[red]y.mkv"), size=10)
    listener.job_started(1, 10)
    listener.file_started(source, 10, Action.COPY)
    listener.bytes_done(10)
    listener.file_finished(result)
    listener.job_finished(Report("job", False, (result,)))
    assert "[bold]x[/bold]" in buffer.getvalue() and "[red]y.mkv" in buffer.getvalue()


# --- the plain line view (cron, hooks) -------------------------------------------------------


def test_one_plain_line_per_file_when_stderr_is_not_a_terminal():
    stdout, stderr = io.StringIO(), io.StringIO()
    listener = Ui(stdout=stdout, stderr=stderr).listener()
    listener.job_started(2, 300)
    for result in (IMPORTED, LINKED, SKIPPED, FAILED, ALREADY):
        if result.status is Status.IMPORTED:
            listener.file_started(result.source, result.size, result.action)
            listener.bytes_done(result.size)
        listener.file_finished(result)
    listener.job_finished(Report("job", False, (IMPORTED, LINKED, SKIPPED, FAILED, ALREADY)))
    assert stdout.getvalue() == ""
    text = stderr.getvalue()
    assert "\x1b" not in text
    assert text.splitlines() == [
        "imported (copy): /dl/a.mkv -> /lib/Inception (2010)/Inception (2010).mkv",
        "imported (hardlink): /dl/b.mkv -> /lib/b.mkv",
        "skipped: /dl/sample.mkv: looks like a sample: its name says sample",
        "failed: /dl/c.mkv: copying /dl/c.mkv to /lib/c.mkv failed: permission denied",
        "already imported: /dl/d.mkv -> /lib/d.mkv",
    ]


@pytest.mark.parametrize("flags", [{"quiet": True}, {"json_mode": True}, {"quiet": True, "verbose": True}])
def test_quiet_and_json_give_no_progress_output(flags):
    stdout, stderr = io.StringIO(), io.StringIO()
    ui = Ui(stdout=stdout, stderr=stderr, **flags)
    ui.err = Console(file=stderr, force_terminal=True)  # even in a terminal
    listener = ui.listener()
    assert isinstance(listener, SilentListener)
    listener.job_started(1, 100)
    listener.file_started(IMPORTED.source, 100, Action.COPY)
    listener.bytes_done(100)
    listener.file_finished(IMPORTED)
    listener.job_finished(Report("job", False, (IMPORTED,)))
    assert stdout.getvalue() == "" and stderr.getvalue() == ""


# --- Ui.report -----------------------------------------------------------------------------


def report_text(report: Report, *, terminal: bool = False, **flags) -> tuple[str, str]:
    """What Ui.report prints; terminal: stdout is a (pretend) terminal, else a pipe or a file."""
    stdout, stderr = io.StringIO(), io.StringIO()
    ui = Ui(stdout=stdout, stderr=stderr, **flags)
    if terminal:
        ui.out = Console(file=stdout, force_terminal=True, width=200, highlight=False, soft_wrap=True,
                         color_system=None)
    ui.report(report)
    return stdout.getvalue(), stderr.getvalue()


def test_report_of_a_dry_run_prints_the_plan_table_in_a_terminal():
    out, err = report_text(Report(None, True, (PLANNED, SKIPPED)), terminal=True)
    assert "│" in out  # a table
    assert err == ""
    assert "Plan (dry run: nothing was changed)" in out
    planned_row = next(line for line in out.splitlines() if "a.mkv" in line)
    assert "Inception (2010).mkv" in planned_row and "hardlink" in planned_row and "planned" in planned_row
    assert "Inception (2010)" in planned_row  # the match
    skipped_row = next(line for line in out.splitlines() if "sample.mkv" in line)
    assert "skipped" in skipped_row and "looks like a sample" in skipped_row
    assert out.rstrip().splitlines()[-1] == "1 planned, 1 skipped"
    assert "job" not in out.rstrip().splitlines()[-1]


def test_out_of_a_terminal_the_plan_is_one_plain_line_a_file():
    out, err = report_text(Report(None, True, (PLANNED, SKIPPED)))
    assert err == "" and "\x1b" not in out and "│" not in out
    assert out.splitlines() == [
        "Plan (dry run: nothing was changed)",
        "planned (hardlink): /dl/a.mkv -> /lib/Inception (2010)/Inception (2010).mkv",
        "skipped: /dl/sample.mkv: looks like a sample: its name says sample",
        "1 planned, 1 skipped",
    ]


def test_out_of_a_terminal_a_long_reason_stays_on_its_one_line_whatever_the_width(monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")  # what cron and pipes get
    reason = "an unmatched name: " + "the title is nowhere in the library " * 10
    long = replace(SKIPPED, source=Path("/dl/" + "Some.Long.Release.Name." * 4 + "mkv"), reason=reason)
    out, _ = report_text(Report("job-1", False, (long, FAILED)))
    assert out.splitlines() == [
        f"skipped: {long.source}: {reason}",
        f"failed: {FAILED.source}: {FAILED.reason}",
        "1 skipped, 1 failed (job job-1)",
    ]


def test_report_of_a_real_run_is_a_summary_with_the_problem_files():
    out, err = report_text(Report("job-1", False, (IMPORTED, SKIPPED, FAILED)), terminal=True)
    assert err == ""
    assert "dry run" not in out
    assert "/dl/a.mkv" not in out and "a.mkv" not in out.replace("sample.mkv", "")  # imported: summary only
    assert "sample.mkv" in out and "c.mkv" in out
    assert out.rstrip().splitlines()[-1] == "1 imported, 1 skipped, 1 failed (job job-1)"


def test_report_of_a_clean_run_is_one_line():
    out, _ = report_text(Report("job-2", False, (IMPORTED, LINKED)))
    assert out.splitlines() == ["2 imported (job job-2)"]


def test_report_of_nothing_says_so():
    out, _ = report_text(Report("job-3", False, ()))
    assert out.splitlines() == ["nothing to do (job job-3)"]


def test_verbose_report_lists_every_file():
    out, _ = report_text(Report("job-1", False, (IMPORTED, SKIPPED)), verbose=True)
    assert "a.mkv" in out.replace("sample.mkv", "") and "sample.mkv" in out
    assert "imported" in out


def test_json_report_is_the_document_on_stdout_only():
    report = Report("job-1", False, (IMPORTED, SKIPPED))
    out, err = report_text(report, json_mode=True)
    assert json.loads(out) == report.to_json()
    assert err == ""


@pytest.mark.parametrize("files", [(), (PLANNED,), (IMPORTED, SKIPPED, FAILED, ALREADY)])
def test_the_json_report_is_written_exactly_as_the_whole_document_would_be(files):
    weird = FileResult(Path(os.fsdecode(b"/dl/caf\xe9 \"quoted\".mkv")), Kind.VIDEO, Status.SKIPPED, reason="x")
    for report in (Report("job-1", False, files), Report(None, True, Results((*files, weird)))):
        out, _ = report_text(report, json_mode=True)
        assert out == json_dumps(report.to_json(), indent=2) + "\n"


def test_a_big_plan_is_printed_a_few_hundred_rows_a_table_with_one_header_and_one_caption(monkeypatch):
    monkeypatch.setattr(console, "TABLE_ROWS", 2)
    files = tuple(replace(PLANNED, source=Path(f"/dl/file{i}.mkv")) for i in range(5))
    out, _ = report_text(Report(None, True, files), terminal=True)
    assert all(f"file{i}.mkv" in out for i in range(5))
    assert out.count("Plan (dry run") == 1 and out.count("source") == 1 and out.count("from /dl") == 1
    assert out.rstrip().splitlines()[-1] == "5 planned"


def test_paths_are_shown_below_their_common_folder_or_its_parent_when_it_is_one_of_them():
    assert console._common_folder([Path("/dl/a/x.mkv"), Path("/dl/a/y.mkv"), Path("/dl/ab/z.mkv")]) == Path("/dl")
    assert console._common_folder([Path("/dl/a/x.mkv"), Path("/dl/a")]) == Path("/dl")
    assert console._common_folder([Path("/dl/a/x.mkv")]) == Path("/dl/a")
    assert console._common_folder([]) is None


def test_quiet_report_prints_nothing_but_the_failed_files():
    out, err = report_text(Report("job-1", False, (IMPORTED, SKIPPED, FAILED)), quiet=True)

    assert out == ""
    assert err.count("error:") == 1
    assert str(FAILED.source) in err and FAILED.reason in err


def test_quiet_report_of_a_clean_run_prints_nothing():
    assert report_text(Report("job-1", False, (IMPORTED, SKIPPED)), quiet=True) == ("", "")


def test_messages_and_tables_go_to_stderr_under_json_and_nowhere_under_quiet():
    stdout, stderr = io.StringIO(), io.StringIO()
    ui = Ui(stdout=stdout, stderr=stderr, json_mode=True)
    ui.message("hello [b]there[/b]")
    ui.table("T", ("a",), [("x",)])
    assert stdout.getvalue() == ""
    assert "hello [b]there[/b]" in stderr.getvalue() and "x" in stderr.getvalue()

    stdout, stderr = io.StringIO(), io.StringIO()
    ui = Ui(stdout=stdout, stderr=stderr, quiet=True)
    ui.message("hello")
    ui.table("T", ("a",), [("x",)])
    ui.error("broken [thing]")
    assert stdout.getvalue() == ""
    assert stderr.getvalue() == "error: broken [thing]\n"


def test_the_rich_view_shows_an_extraction_by_bytes_and_removes_it_after():
    ui, _ = terminal_ui()
    listener = ui.listener()
    listener.extraction_started(Path("/dl/Movie/movie.part1.rar"), 1000)
    bar = tasks(listener)[listener.extracting]
    assert (bar.total, bar.completed) == (1000, 0) and "movie.part1.rar" in bar.description
    listener.bytes_done(400)
    assert tasks(listener)[listener.extracting].completed == 400
    listener.extraction_finished()
    assert listener.extracting is None and not listener.progress.tasks
