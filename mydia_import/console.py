"""Everything the user sees: tables, the progress view, log lines and --json.

The only module that imports Rich. Human text goes to stderr when --json owns
stdout; nothing but errors is printed under --quiet; in cron and hooks (stderr
not a terminal) the progress view becomes one plain line per file, and so do
the plan and the files of a summary when stdout is not a terminal.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)
from rich.table import Table

from mydia_import.models import Action, FileResult, Report, Status
from mydia_import.pathtext import db_text, display, json_dumps
from mydia_import.progress import SilentListener

_STATUS_STYLE = {
    Status.IMPORTED: "green", Status.PLANNED: "cyan", Status.ALREADY_IMPORTED: "dim",
    Status.SKIPPED: "yellow", Status.FAILED: "bold red",
}


@dataclass
class Ui:
    """How this run talks to the user; built once by the CLI from the global flags."""

    json_mode: bool = False
    quiet: bool = False
    verbose: bool = False
    stdout: TextIO | None = None
    stderr: TextIO | None = None

    def __post_init__(self) -> None:
        self.out = Console(file=self.stdout or sys.stdout, highlight=False, soft_wrap=True)
        self.err = Console(file=self.stderr or sys.stderr, highlight=False, soft_wrap=True)

    @property
    def human(self) -> Console | None:
        """Where human text goes: stdout normally, stderr under --json, nowhere under --quiet."""
        if self.quiet:
            return None
        return self.err if self.json_mode else self.out

    def error(self, message: str) -> None:
        self.err.print(f"[bold red]error:[/] {escape(display(message))}")  # one line, whatever the names hold

    def message(self, text: str) -> None:
        if self.human is not None:
            self.human.print(escape(db_text(text) or ""))

    def warning(self, text: str) -> None:
        """One line on stderr (stdout stays the JSON document's), silent under --quiet."""
        if not self.quiet:
            self.err.print(f"[yellow]warning:[/] {escape(display(text))}")

    @property
    def interactive(self) -> bool:
        """A person at a terminal can answer a question (not --json, not -q, not cron)."""
        return not (self.json_mode or self.quiet) and sys.stdin.isatty() and self.out.is_terminal

    def choose(self, question: str, count: int, default: int = 0) -> int | None:
        """A number 1..count typed at the terminal, or None for 0 / nothing."""
        from rich.prompt import IntPrompt

        while True:
            answer = IntPrompt.ask(escape(question), console=self.out, default=default)
            if 0 <= answer <= count:
                return answer or None
            self.out.print(f"type a number from 0 to {count}")

    def ask(self, question: str) -> bool:
        from rich.prompt import Confirm

        return Confirm.ask(escape(question), console=self.out, default=False)

    def bar(self, total: int, label: str):
        """A progress bar on stderr in a terminal; elsewhere nothing. Returns advance()."""
        if self.quiet or self.json_mode or not self.err.is_terminal:
            return contextlib.nullcontext(lambda: None)
        return _bar(self.err, total, label)

    def emit_json(self, document: object) -> None:
        # Names that are not UTF-8 stay exact as \udcNN escapes: stdout always takes the document.
        print(json_dumps(document, indent=2), file=self.out.file)

    def table(self, title: str | None, columns: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
        if self.human is None:
            return
        table = Table(title=title, title_justify="left")
        for column in columns:
            table.add_column(column, overflow="fold")
        for row in rows:
            table.add_row(*(escape("" if v is None else display(v)) for v in row))
        self.human.print(table)

    def listener(self):
        """The progress view for a real run."""
        if self.quiet or self.json_mode:
            return SilentListener()
        if self.err.is_terminal:
            return _RichListener(self.err)
        return _LineListener(self.err)

    def report(self, report: Report) -> None:
        """The outcome of a scan or import: the plan (dry run) or a summary."""
        if self.json_mode:
            self._emit_report_json(report)
            return
        if self.human is None:
            # --quiet: nothing but errors, and a file that failed is one.
            for f in report.files:
                if f.status is Status.FAILED:
                    self.error(f"{f.source}: {f.reason}")
            return
        # A summary shows what needs the user: failures and files left out that were expected in.
        # Samples, extras and unfinished downloads are only counted (-v lists them).
        shown = report.files if (report.dry_run or self.verbose) else [
            f for f in report.files if f.status is Status.FAILED or (f.status is Status.SKIPPED and f.expected)
        ]
        if shown and not self.human.is_terminal:
            # A pipe, a log, cron without -q: a table squeezed to 80 columns would wrap one reason
            # over dozens of lines; one plain line a file reads and greps well.
            if report.dry_run:
                print(PLAN_TITLE, file=self.human.file)
            for f in shown:
                print(result_line(f), file=self.human.file)
        elif shown:
            self._files_table(PLAN_TITLE if report.dry_run else "Files", shown)
        counts = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in report.summary().items() if n)
        where = f" (job {report.job_id})" if report.job_id else ""
        same = "; unchanged since the last run" if report.unchanged_runs else ""
        self.human.print(f"{counts or 'nothing to do'}{escape(where)}{same}")

    def _emit_report_json(self, report: Report) -> None:
        """`report.to_json()` exactly as `emit_json` prints it, written a file at a time: a scan
        of 100,000 files never holds the whole document."""
        out = self.out.file
        head = json_dumps({"job": report.job_id, "dry_run": report.dry_run}, indent=2)
        out.write(head[:-2] + ',\n  "files": [')  # the head without its closing "\n}"
        for i, f in enumerate(report.files):
            out.write(("," if i else "") + "\n" + _indent(json_dumps(f.to_json(), indent=2), "    "))
        summary = json_dumps(report.summary(), indent=2).replace("\n", "\n  ")
        out.write(("\n  ]" if report.files else "]") + f',\n  "summary": {summary}\n}}\n')

    def _files_table(self, title: str, files: Sequence[FileResult]) -> None:
        # Paths are shown below their common folders, named once above the table, so the
        # columns stay readable in an 80-column terminal.
        sources = _common_folder(f.source for f in files)
        dests = _common_folder(f.destination for f in files if f.destination)
        shown_sources, shown_dests = escape(display(sources or "")), escape(display(dests or ""))
        caption = f"from {shown_sources}\nto   {shown_dests}" if dests else f"from {shown_sources}"
        # A big plan is printed TABLE_ROWS rows at a time, one table after another: Rich holds
        # a table's every cell until it prints it.
        for start in range(0, len(files), TABLE_ROWS):
            first, last = start == 0, start + TABLE_ROWS >= len(files)
            table = Table(title=title if first else None, title_justify="left", show_header=first,
                          caption=caption if last else None, caption_justify="left")
            for column in ("source", "destination", "action", "match", "decision", "reason"):
                table.add_column(column, overflow="fold")
            for f in files[start:start + TABLE_ROWS]:
                style = _STATUS_STYLE[f.status]
                table.add_row(
                    escape(display(_below(f.source, sources))), escape(display(_below(f.destination, dests))),
                    str(f.action), escape(display(f.match.label()) if f.match else ""),
                    f"[{style}]{f.status}[/]", escape(display(f.reason or f.note or "")),
                )
            self.human.print(table)


# Rows of one printed table.
TABLE_ROWS = 500
PLAN_TITLE = "Plan (dry run: nothing was changed)"


@contextlib.contextmanager
def _bar(console: Console, total: int, label: str):
    from rich.progress import Progress

    with Progress(console=console, transient=True) as progress:
        task = progress.add_task(escape(label), total=total)
        yield lambda: progress.advance(task)


def _indent(text: str, prefix: str) -> str:
    return prefix + text.replace("\n", "\n" + prefix)


def _common_folder(paths: Iterable[Path]) -> Path | None:
    """The folder all these paths are in (the parent of a path that is the others' folder)."""
    common: str | None = None
    shortest = ""
    for path in map(str, paths):
        if common is None:
            common = shortest = path
        elif path != common and not path.startswith(common.rstrip(os.sep) + os.sep):
            common = os.path.commonpath([common, path])
        if len(path) < len(shortest):
            shortest = path
    if common is None:
        return None
    # A path that is the common folder of all is the shortest of them.
    return Path(common).parent if common == shortest else Path(common)


def _below(path: Path | None, base: Path | None) -> str:
    if path is None:
        return ""
    return str(path.relative_to(base)) if base is not None and path.is_relative_to(base) else str(path)


def result_line(result: FileResult) -> str:
    """One plain line per file, for logs, pipes and cron."""
    source, destination = display(result.source), display(result.destination)  # one line per file, always
    if result.origin:  # extracted: the archive and its member, not the hidden work folder
        source = f"{display(result.origin[0])} \u25b8 {display(result.origin[1])}"
    note = f" ({display(result.note)})" if result.note else ""  # an upgrade's qualities, a keep-both
    if result.status is Status.IMPORTED:
        return f"imported ({result.action}): {source} -> {destination}{note}"
    if result.status is Status.ALREADY_IMPORTED:
        return f"already imported: {source} -> {destination}"
    if result.status is Status.PLANNED and result.destination is None:  # an archive set: what it holds
        return f"planned ({result.action}): {source}: {display(result.reason)}"
    if result.status is Status.PLANNED:
        return f"planned ({result.action}): {source} -> {destination}{note}"
    return f"{result.status}: {source}: {display(result.reason)}"


class _LineListener(SilentListener):
    """cron and hooks: a plain line per file, no escape codes."""

    def __init__(self, console: Console) -> None:
        self.file = console.file

    def file_finished(self, result: FileResult) -> None:
        print(result_line(result), file=self.file, flush=True)


class _RichListener:
    """A bar for the whole job and one for the current file, both in bytes."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.progress = Progress(
            TextColumn("{task.description}", markup=False), BarColumn(), DownloadColumn(),
            TransferSpeedColumn(), TimeRemainingColumn(), console=console, transient=True,
        )
        self.job = self.current = self.extracting = None
        self.file_size = self.file_done = 0

    def extraction_started(self, first: Path, size: int) -> None:
        """An archive set being extracted (archives/stage.py), before the job's transfers."""
        name = display(first.name)
        self.progress.start()
        self.extracting = self.progress.add_task(f"extract {name if len(name) <= 50 else name[:47] + '...'}",
                                                 total=size or 1)

    def extraction_finished(self) -> None:
        if self.extracting is not None:
            self.progress.remove_task(self.extracting)
            self.extracting = None
        if self.job is None:
            self.progress.stop()

    def job_started(self, files: int, total_bytes: int) -> None:
        if files == 0:
            return
        self.progress.start()
        self.job = self.progress.add_task(f"importing {files} file(s)", total=total_bytes or 1)

    def file_started(self, source: Path, size: int, action: Action) -> None:
        self.file_size, self.file_done = size, 0
        if self.job is None:
            return
        name = display(source.name)
        label = name if len(name) <= 50 else name[:47] + "..."
        instant = " (instant)" if action in (Action.HARDLINK, Action.SYMLINK) else ""
        self.current = self.progress.add_task(f"{action}{instant} {label}", total=size or 1)

    def bytes_done(self, n: int) -> None:
        if self.extracting is not None:
            self.progress.advance(self.extracting, n)
            return
        self.file_done += n
        if self.current is not None:
            self.progress.advance(self.current, n)
            self.progress.advance(self.job, n)

    def file_finished(self, result: FileResult) -> None:
        if self.current is not None:
            rest = max(self.file_size - self.file_done, 0)
            self.progress.advance(self.job, rest)  # hardlinks and failures finish at once
            self.progress.remove_task(self.current)
            self.current = None
            self.progress.console.print(escape(result_line(result)))

    def job_finished(self, report: Report) -> None:
        if self.job is not None:
            self.progress.stop()
