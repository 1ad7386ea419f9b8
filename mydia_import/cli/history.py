"""`history`: past import jobs and their files, newest first."""

from __future__ import annotations

from typing import Annotated

import typer

from mydia_import.cli._app import JsonFlag, QuietFlag, VerboseFlag, app, env_of


@app.command()
def history(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option("--limit", min=1, help="How many jobs to show.")] = 10,
    failed: Annotated[bool, typer.Option(
        "--failed", help="Only jobs with failed files, and only those files.")] = False,
    json_mode: JsonFlag = False, quiet: QuietFlag = False, verbose: VerboseFlag = False,
) -> None:
    """Past import jobs and their files, newest first."""
    env = env_of(ctx, json_mode, quiet, verbose)
    library = env.library(must_exist=True)
    jobs = library.jobs(limit=limit, failed_only=failed)
    documents = []
    for job in jobs:
        files = [f for f in library.job_files(job.id) if not failed or f.status == "failed"]
        documents.append({**job.to_json(), "files": [f.to_json() for f in files]})
    ui = env.ui()
    if env.json_mode:
        ui.emit_json({"jobs": documents})
        return
    if not documents:
        ui.message("no import jobs yet" if not failed else "no job has failed files")
    for job in documents:
        counts = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in (job.get("summary") or {}).items() if n)
        title = f"job {job['id']} · {job['command']} · {job['started_at']} · {job['status']} · {counts or 'no files'}"
        ui.table(title, ("decision", "action", "source", "destination", "reason"), (
            (f["status"], f["action"], f["source"], f["destination"], f["reason"]) for f in job["files"]
        ))
