"""A summary of each run to the `[notify] urls` through Apprise (optional extra:
`pip install 'mydia-import[notify]'`; imported lazily, here only)."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from mydia_import.models import Report, Status

MAX_LINES = 20
HINT = "notifications need Apprise: pip install 'mydia-import[notify]' (or pip install apprise)"


class NotifyWhen(StrEnum):
    """Which runs send a summary."""

    ALWAYS = "always"  # every real run
    CHANGES = "changes"  # something was imported or failed
    FAILURES = "failures"  # something failed


def wanted(report: Report, when: NotifyWhen) -> bool:
    if report.dry_run:
        return False
    failed = report.count(Status.FAILED) > 0
    if when is NotifyWhen.ALWAYS:
        return True
    if when is NotifyWhen.FAILURES:
        return failed
    return failed or report.count(Status.IMPORTED) > 0


def summary(report: Report, command: str, extra: Sequence[str] = ()) -> tuple[str, str]:
    """(title, body): counts in the title; the imported items and the failures in the body."""
    counts = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in report.summary().items() if n)
    title = f"mydia-import {command}: {counts or 'nothing to do'}"
    lines = []
    imported = [f.match.label() for f in report.files if f.status is Status.IMPORTED and f.match and f.kind == "video"]
    lines += [f"imported {label}" for label in dict.fromkeys(imported)]
    lines += [f"failed {f.source.name}: {f.reason}" for f in report.files if f.status is Status.FAILED]
    lines += list(extra)
    if len(lines) > MAX_LINES:
        lines = lines[:MAX_LINES - 1] + [f"... and {len(lines) - MAX_LINES + 1} more (mydia-import history)"]
    return title, "\n".join(lines) or title


def send(urls: Sequence[str], title: str, body: str, failed: bool = False) -> str | None:
    """Send to every URL; returns a warning line, or None when all went out."""
    try:
        import apprise
    except ImportError:
        return HINT
    sender = apprise.Apprise()
    bad = [url.split("://", 1)[0] for url in urls if not sender.add(url)]
    if bad:
        return f"[notify] urls: Apprise does not understand the URL(s) starting {', '.join(b + '://' for b in bad)}"
    kind = apprise.NotifyType.FAILURE if failed else apprise.NotifyType.SUCCESS
    if not sender.notify(title=title, body=body, notify_type=kind):
        return "a notification could not be sent to one or more [notify] urls"
    return None
