"""`history`: past import jobs and their files, newest first; `history prune`: old ones go."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from mydia_import.cli._app import JsonFlag, QuietFlag, VerboseFlag, app, env_of


class _HistoryGroup(TyperGroup):
    """`history [JOB]` lists jobs, and `history prune` is a sub-command: a first argument that
    names a sub-command is one, not a JOB (job ids are hexadecimal, no sub-command's name is)."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        subcommand = bool(args) and args[0] in self.commands
        ctx.meta["history_subcommand"] = subcommand
        # `history JOB --json` takes options after JOB; a sub-command's options are its own.
        ctx.allow_interspersed_args = not subcommand
        return super().parse_args(ctx, args)

    def get_params(self, ctx: Any) -> list[Any]:
        params = super().get_params(ctx)
        if ctx.meta.get("history_subcommand"):
            return [p for p in params if p.name != "job"]  # else it would take the sub-command's name
        return params


history_app = typer.Typer(cls=_HistoryGroup, rich_markup_mode=None, invoke_without_command=True)
app.add_typer(history_app, name="history")


@history_app.callback()
def history(
    ctx: typer.Context,
    job: Annotated[str | None, typer.Argument(
        help="Show only this job (its id, or the start of it that names one job).", show_default=False)] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="How many jobs to show.")] = 10,
    failed: Annotated[bool, typer.Option(
        "--failed", help="Only jobs with failed files, and only those files.")] = False,
    json_mode: JsonFlag = False, quiet: QuietFlag = False, verbose: VerboseFlag = False,
) -> None:
    """Past import jobs and their files, newest first: each file's decision and its reason."""
    env = env_of(ctx, json_mode, quiet, verbose)
    if ctx.invoked_subcommand is not None:
        return
    library = env.library()
    if job is not None:
        from mydia_import.execute.undo_retry import find_job

        jobs = [find_job(library, job)]
    else:
        jobs = library.jobs(limit=limit, failed_only=failed)
    documents = []
    for one in jobs:
        files = [f for f in library.job_files(one.id) if not failed or f.status == "failed"]
        documents.append({**one.to_json(), "files": [f.to_json() for f in files]})
    ui = env.ui()
    if env.json_mode:
        ui.emit_json({"jobs": documents})
        return
    if not documents:
        ui.message("no import jobs yet" if not failed else "no job has failed files")
    for document in documents:
        summary = dict(document.get("summary") or {})
        runs = summary.pop("unchanged_runs", 0)
        counts = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in summary.items() if n)
        title = (f"job {document['id']} · {document['command']} · {document['started_at']} · "
                 f"{document['status']} · {counts or 'no files'}")
        if runs:  # one line for runs that found everything as the run before: no files to list
            ui.message(f"{title} · unchanged since the last run ({runs} run{'s' if runs > 1 else ''} in a row)")
            continue
        ui.table(title, ("decision", "action", "source", "destination", "reason"), (
            (f["status"], f["action"], f["source"], f["destination"], f["reason"]) for f in document["files"]
        ))


@history_app.command("prune")
def prune(
    ctx: typer.Context,
    older_than: Annotated[int | None, typer.Option(
        "--older-than", min=0, metavar="DAYS",
        help="Prune jobs started more than DAYS days ago; 0: none for their age (default: [history] keep_days).",
        show_default=False)] = None,
    keep_jobs: Annotated[int | None, typer.Option(
        "--keep-jobs", min=0, metavar="N",
        help="Prune all but the N newest jobs; 0: none for their number (default: [history] keep_jobs).",
        show_default=False)] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Say what would be pruned; change nothing.")] = False,
    json_mode: JsonFlag = False, quiet: QuietFlag = False, verbose: VerboseFlag = False,
) -> None:
    """Delete old import jobs and their file lines; the journal of what they imported stays."""
    from mydia_import.library import retention

    env = env_of(ctx, json_mode, quiet, verbose)
    settings = env.settings()
    days = settings.history_keep_days if older_than is None else older_than
    keep = settings.history_keep_jobs if keep_jobs is None else keep_jobs
    pruned = retention.prune(env.library(), days, keep, dry_run=dry_run)
    ui = env.ui()
    if env.json_mode:
        ui.emit_json({"dry_run": dry_run, "older_than_days": days, "keep_jobs": keep, **pruned.to_json()})
        return
    if not days and not keep:
        ui.message("nothing to prune: no age or number of jobs given, and [history] keep_days and keep_jobs are 0")
        return
    verb = "would prune" if dry_run else "pruned"
    line = f"{verb} {_count(pruned.jobs, 'job')}, {_count(pruned.file_lines, 'file line')}"
    if pruned.kept_jobs:
        line += (f"; {_count(pruned.kept_jobs, 'older job')} with imports kept only their counts "
                 "(what they imported stays recognised and can be undone)")
    ui.message(line)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"
