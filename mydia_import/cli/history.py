"""`history`: past import jobs and their files, newest first."""

from __future__ import annotations

from typing import Annotated

import typer

from mydia_import.cli._app import JsonFlag, QuietFlag, VerboseFlag, app, env_of


@app.command()
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
    library = env.library(must_exist=True)
    if job is not None:
        from mydia_import.undo import find_job

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
        counts = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in (document.get("summary") or {}).items() if n)
        title = (f"job {document['id']} · {document['command']} · {document['started_at']} · "
                 f"{document['status']} · {counts or 'no files'}")
        ui.table(title, ("decision", "action", "source", "destination", "reason"), (
            (f["status"], f["action"], f["source"], f["destination"], f["reason"]) for f in document["files"]
        ))
