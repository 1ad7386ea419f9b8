"""The log file of unattended runs (`[log] file`): plain lines, rotated by size.

Cron jobs and download-client hooks have no terminal and often nobody reading
their output; this is where they say what they did. stdlib logging's
RotatingFileHandler keeps `backups` old files (file.1, file.2, ...) of at most
`max_bytes` each. The logger is private to the tool and never propagates.

A hundred hooks may write to one log at once; `_SharedRotatingHandler` rotates it once for all
of them (see there).
"""

from __future__ import annotations

import fcntl
import logging
import logging.handlers
import os
from pathlib import Path

from mydia_import.errors import ConfigError, describe_os_error
from mydia_import.models import Action, FileResult, Report
from mydia_import.progress import ProgressListener, SilentListener

_FORMAT = "%(asctime)s %(process)d %(levelname)s %(message)s"


class RunLog:
    """One run's view of the log file; does nothing when no file is configured."""

    def __init__(self, path: Path | None, max_bytes: int = 1_000_000, backups: int = 3, tag: str = ""):
        self.path = path
        self.tag = tag
        self._logger: logging.Logger | None = None
        self._handler: logging.Handler | None = None
        # A run's first line and the lines of files that changed nothing, held back until the run
        # shows it changed something: a run that changed nothing writes one line (`report`).
        self._held: list[tuple[int, str]] | None = None
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handler = _SharedRotatingHandler(
                path, maxBytes=max(max_bytes, 0), backupCount=max(backups, 0), encoding="utf-8", delay=False)
        except OSError as error:
            raise ConfigError(f"cannot open the log file {path} ([log] file): {describe_os_error(error)}") from None
        handler.setFormatter(logging.Formatter(_FORMAT))
        logger = logging.getLogger(f"mydia_import.run.{id(self)}")
        logger.propagate = False
        logger.setLevel(logging.INFO)
        logger.addHandler(handler)
        self._logger, self._handler = logger, handler

    @classmethod
    def from_settings(cls, settings, tag: str = "") -> RunLog:
        return cls(getattr(settings, "log_file", None), getattr(settings, "log_max_bytes", 1_000_000),
                   getattr(settings, "log_backups", 3), tag)

    @property
    def active(self) -> bool:
        return self._logger is not None

    def begin(self, text: str) -> None:
        """The run's first line (what was run), written once the run has changed something."""
        if self.active:
            self._held = [(logging.INFO, text)]

    def info(self, text: str) -> None:
        self._write(logging.INFO, text)

    def warning(self, text: str) -> None:
        self._write(logging.WARNING, text)

    def error(self, text: str) -> None:
        self._write(logging.ERROR, text)

    def report(self, report: Report) -> None:
        counts = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in report.summary().items() if n)
        job = f" (job {report.job_id})" if report.job_id else ""
        if report.unchanged_runs and self._held:
            first = self._held[0][1]
            self._held = None
            self.info(f"{first}: unchanged since the last run{job}: {counts or 'nothing to do'}; "
                      f"exit code {report.exit_code()}")
            return
        self.info(f"finished{job}: {counts or 'nothing to do'}; exit code {report.exit_code()}")

    def listener(self, inner: ProgressListener | None) -> ProgressListener:
        """`inner` (the console's view), with a log line per file when the log is on."""
        inner = inner or SilentListener()
        return _LoggingListener(self, inner) if self.active else inner

    def close(self) -> None:
        if self._held:
            self._write(*self._held.pop())  # a run that ended before its report: its lines all go
        if self._logger is not None and self._handler is not None:
            self._logger.removeHandler(self._handler)
            self._handler.close()
            self._logger = self._handler = None

    def _hold(self, level: int, text: str) -> None:
        """A line that matters only if the run changes something."""
        if self._held is not None:
            self._held.append((level, text))
        else:
            self._write(level, text)

    def _write(self, level: int, text: str) -> None:
        if self._held is not None:
            held, self._held = self._held, None
            for earlier in held:
                self._write(*earlier)
        if self._logger is not None:
            # One record per line: a message never spans lines in the file.
            for line in str(text).splitlines() or [""]:
                self._logger.log(level, f"{self.tag}{line}" if self.tag else line)


class _SharedRotatingHandler(logging.handlers.RotatingFileHandler):
    """stdlib's rotating handler, for a file that many processes append to at once.

    stdlib decides to rotate from its own open file. Once one process has rotated, every other
    one still writes to the old file (now `file.1`), finds it full and rotates again, pushing
    the fresh file and the older ones down and out of the backups: with sixty hooks at once,
    thousands of lines lost. Here a process first follows a rotation another made (it reopens
    the path when that names another file), and rotates only holding an exclusive flock on the
    file it found full, checking again once it holds it: the waiters then find it rotated."""

    def shouldRollover(self, record: logging.LogRecord) -> bool:
        self._follow()
        return bool(super().shouldRollover(record))

    def doRollover(self) -> None:
        old = self.stream
        if old is None:
            super().doRollover()
            return
        fcntl.flock(old.fileno(), fcntl.LOCK_EX)  # while another process rotates this file: wait
        try:
            if self._rotated():
                self.stream = self._open()  # rotated meanwhile: write to the new file
            else:
                self.stream = None  # stdlib would close it, and the lock with it, before renaming
                super().doRollover()
        finally:
            fcntl.flock(old.fileno(), fcntl.LOCK_UN)
            old.close()

    def _follow(self) -> None:
        if self.stream is not None and self._rotated():
            self.stream.close()
            self.stream = self._open()

    def _rotated(self) -> bool:
        """The path names another file than the one this process writes to."""
        try:
            here, there = os.fstat(self.stream.fileno()), os.stat(self.baseFilename)
        except OSError:
            return True  # gone: the next write recreates it
        return (here.st_ino, here.st_dev) != (there.st_ino, there.st_dev)


def file_line(result: FileResult) -> str:
    """One plain line per file (as the console's line view prints them)."""
    if result.status == "imported":
        return f"imported ({result.action}): {result.source} -> {result.destination}"
    if result.status == "already-imported":
        return f"already imported: {result.source} -> {result.destination}"
    return f"{result.status}: {result.source}: {result.reason}"


class _LoggingListener:
    def __init__(self, log: RunLog, inner: ProgressListener):
        self.log, self.inner = log, inner

    def job_started(self, files: int, total_bytes: int) -> None:
        self.inner.job_started(files, total_bytes)

    def file_started(self, source: Path, size: int, action: Action) -> None:
        self.inner.file_started(source, size, action)

    def bytes_done(self, n: int) -> None:
        self.inner.bytes_done(n)

    def file_finished(self, result: FileResult) -> None:
        self.inner.file_finished(result)
        if result.status == "failed":
            self.log._write(logging.ERROR, file_line(result))
        elif result.status == "imported":
            self.log.info(file_line(result))
        else:
            self.log._hold(logging.INFO, file_line(result))

    def job_finished(self, report: Report) -> None:
        self.inner.job_finished(report)


def describe_command(argv: list[str]) -> str:
    """The command line for the log, with option values that look like secrets left out."""
    shown = []
    hide_next = False
    for arg in argv:
        if hide_next:
            shown.append("********")
            hide_next = False
            continue
        if any(word in arg.lower() for word in ("password", "token")):
            shown.append(arg.split("=", 1)[0] + ("=********" if "=" in arg else ""))
            hide_next = "=" not in arg
            continue
        shown.append(arg)
    return " ".join(os.path.basename(a) if i == 0 else a for i, a in enumerate(shown))
