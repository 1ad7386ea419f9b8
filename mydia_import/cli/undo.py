"""`undo JOB` and `retry JOB`: reverse one import job, or import its failed files again."""

from __future__ import annotations

from typing import Annotated

import typer

from mydia_import.cli._app import JsonFlag, QuietFlag, VerboseFlag, app, env_of

JobArgument = Annotated[str, typer.Argument(
    help="The job's id, or the start of it that names one job (see `mydia-import history`).",
    show_default=False)]


@app.command()
def undo(
    ctx: typer.Context,
    job: JobArgument,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Say what undo would do; change nothing.")] = False,
    json_mode: JsonFlag = False, quiet: QuietFlag = False, verbose: VerboseFlag = False,
) -> None:
    """Reverse one import job: remove or move back what it created, put back what it replaced."""
    from mydia_import.execute import locking
    from mydia_import.execute import undo_retry as undoing

    env = env_of(ctx, json_mode, quiet, verbose)
    library = env.library()
    ui = env.ui()
    if dry_run:
        plan = undoing.plan_undo(library, job)
        _show_undo(env, ui, plan, dry_run=True)
        raise typer.Exit(1 if plan.refusals else 0)
    with locking.run_lock(library, env.settings().lock_wait, "undo"):
        from mydia_import.execute import recovery

        recovery.recover(library, env.settings())  # a killed run's job must be recovered before it can be undone
        plan = undoing.plan_undo(library, job)
        undoing.undo(library, plan)
    _show_undo(env, ui, plan, dry_run=False)


def _show_undo(env, ui, plan, *, dry_run: bool) -> None:
    if env.json_mode:
        ui.emit_json({"job": plan.job_id, "dry_run": dry_run, "steps": [s.to_json() for s in plan.steps],
                      "refusals": plan.refusals})
        return
    verb = "would take" if dry_run else "took"
    for step in plan.steps:
        ui.message(f"{'would ' if dry_run else ''}{step.describe()}")
    for refusal in plan.refusals:
        ui.message(f"refused: {refusal}")
    if dry_run and plan.refusals:
        ui.message(f"undo of job {plan.job_id[:8]} would be refused; nothing would change")
    else:
        ui.message(f"undo of job {plan.job_id[:8]} ({plan.command}): {verb} {len(plan.steps)} step(s)"
                   + ("" if dry_run else "; the job is forgotten"))


@app.command()
def retry(
    ctx: typer.Context,
    job: JobArgument,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Decide everything and print the plan; change nothing.")]
    = False,
    json_mode: JsonFlag = False, quiet: QuietFlag = False, verbose: VerboseFlag = False,
) -> None:
    """Import a job's failed files again, as a new job, with the job's mode and conflict policy."""
    from mydia_import.execute import importer
    from mydia_import.execute import undo_retry as undoing

    env = env_of(ctx, json_mode, quiet, verbose)
    settings = env.settings()
    library = env.library()
    ui = env.ui()
    plan = undoing.plan_retry(library, job)
    for path in plan.missing:
        ui.message(f"not retried: {path} no longer exists")
    if not plan.paths:
        if env.json_mode:
            ui.emit_json({"job": None, "dry_run": dry_run, "files": [], "summary": {}, "retried_job": plan.job_id})
        else:
            ui.message(f"job {plan.job_id[:8]} has no failed file left to retry")
        raise typer.Exit(0)
    mode = plan.mode or settings.mode
    conflict = plan.conflict or settings.conflict
    request = importer.Request(
        paths=plan.paths, mode=mode, conflict=conflict, dry_run=dry_run, command="retry", only=plan.only,
        arguments={"job": plan.job_id, "paths": [str(p) for p in plan.paths], "mode": str(mode),
                   "conflict": str(conflict), "dry_run": dry_run},
    )
    from mydia_import.cli.hook import run_logged  # the log file, media servers and notifications, as for import

    report = run_logged(env, request, settings, library, ui)
    ui.report(report)
    raise typer.Exit(report.exit_code())
