"""Candidates -> decisions: where each file goes, how, and why (or why not).

Everything is decided here, before any byte moves: the destination from the
naming templates, what to do when it is taken (the conflict policy), and two
files of one run aimed at one destination. A dry run prints exactly this plan.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from mydia_import import decisions
from mydia_import.discover.walk import format_size
from mydia_import.errors import MydiaImportError
from mydia_import.execute.transfer import impossible, predict_action, same_file
from mydia_import.library import provenance
from mydia_import.models import (
    Action,
    Candidate,
    ConflictPolicy,
    Identification,
    LibraryRoot,
    Match,
    MediaRef,
    MediaType,
    PlannedFile,
    Release,
    Status,
    TransferMode,
)
from mydia_import.plan import naming, quality
from mydia_import.plan.arbitration import resolve_collisions
from mydia_import.plan.rivals import Rival, Rivals


@dataclass(frozen=True)
class Rules:
    """What the plan needs from the settings and the command line."""

    mode: TransferMode
    conflict: ConflictPolicy
    movie_template: str
    episode_template: str
    roots: Mapping[MediaType, LibraryRoot | None]
    upgrade_until: quality.Quality | None = None  # [import] upgrade_until
    # Mydia's quality profile of an item (or of its library folder), where it has one.
    profile: Callable[[MediaRef, LibraryRoot | None], quality.Policy | None] | None = None
    # Where an item already has files, if anywhere (Library.home_of): with several library folders
    # of one type, a show's new episodes go beside its others.
    home: Callable[[MediaRef], LibraryRoot | None] | None = None
    parse: Callable[[str], Release] | None = None  # reads the quality of a library file from its name


def plan_videos(
    candidates: Sequence[Candidate],
    identify: Callable[[Candidate], Identification],
    rules: Rules,
    stored_at: Callable[[LibraryRoot, str], object | None],
    rivals: Rivals | None = None,
) -> list[PlannedFile]:
    """Decide every video (and extra) candidate; subtitles are planned after their videos."""
    planned = [_plan_video(c, identify, rules, stored_at) for c in candidates]
    if rivals is not None:
        planned = [against_rivals(p, rivals.of(p), rules) if _new_video(p) else p for p in planned]
    return resolve_collisions(planned, one_per_item=rules.conflict is not ConflictPolicy.KEEP_BOTH)


def _new_video(p: PlannedFile) -> bool:
    return p.status is Status.PLANNED and p.match is not None and p.candidate.extra is None


def against_rivals(p: PlannedFile, rivals: Sequence[Rival], rules: Rules) -> PlannedFile:
    """One video per movie and episode: the conflict policy between a new file and the library's
    videos of the same movie or episodes at other paths (`plan/rivals.py`)."""
    if not rivals:
        return p
    label = p.match.label()
    names = ", ".join(f"{r.name()} ({r.quality.words()})" for r in rivals)
    policy = rules.conflict
    if policy is ConflictPolicy.KEEP_BOTH:
        return replace(p, note=f"kept beside {names} (--conflict keep-both): {label} will have "
                               f"{len(rivals) + 1} videos")
    held = f"{label} already has a video in the library: {names}"
    if policy is ConflictPolicy.FAIL:
        return replace(p, status=Status.FAILED, action=Action.NONE, stops_run=True, rival=rivals[0].path,
                       why=decisions.rival_fail(held))
    if policy is ConflictPolicy.SKIP:
        return replace(p, status=Status.SKIPPED, action=Action.NONE, rival=rivals[0].path,
                       why=decisions.rival_video(held))
    wanted = {(e.season, e.episode) for e in p.match.episodes}
    for r in rivals:
        if r.episodes - wanted:  # replacing it would leave its other episodes with no video
            lost = ", ".join(f"S{s:02d}E{e:02d}" for s, e in sorted(r.episodes - wanted))
            return replace(p, status=Status.SKIPPED, action=Action.NONE, rival=r.path,
                           why=decisions.would_orphan(label, r.name(), lost))
    if policy is ConflictPolicy.UPGRADE:  # better than each of them, or nothing
        new = quality.of_release(p.release, p.candidate.size)
        policy = policy_of(p, rules)
        verdicts = [quality.judge(new, r.quality, policy) for r in rivals]
        for r, verdict in zip(rivals, verdicts, strict=True):
            if not verdict.better:
                return replace(p, status=Status.SKIPPED, action=Action.NONE, rival=r.path,
                               why=decisions.not_upgraded(verdict, f"{label} already has {r.name()}"))
        why = "; ".join(v.reason for v in verdicts)
    else:
        why = f"replaces {names} (--conflict replace)"
    return replace(p, retires=tuple(r.path for r in rivals),
                   note=f"{why}; {', '.join(r.name() for r in rivals)} goes to the recycle folder")


def _plan_video(candidate, identify, rules: Rules, stored_at) -> PlannedFile:
    if candidate.skip_reason:
        return PlannedFile(candidate, Status.SKIPPED, reason=candidate.skip_reason, code=candidate.skip_code)
    ident = identify(candidate)
    if ident.sample:
        # Too short for what the library expects of it: a sample, so nothing to do, not a failure.
        return PlannedFile(replace(candidate, expected=False), Status.SKIPPED, release=ident.release,
                           reason=ident.reason, code=ident.code)
    if ident.match is None:
        return PlannedFile(candidate, Status.SKIPPED, release=ident.release, reason=ident.reason,
                           code=ident.code, note=ident.note)
    root = _root(ident.match.item, rules)
    if root is None:
        kind = "movies" if ident.match.item.type is MediaType.MOVIE else "tv"
        return PlannedFile(
            candidate, Status.SKIPPED, release=ident.release, match=ident.match,
            why=decisions.no_library_folder(kind),
        )
    relative = destination_for(ident.match, ident.release, candidate.path.suffix, rules)
    base = PlannedFile(candidate, Status.PLANNED, root=root, release=ident.release, match=ident.match,
                       note=ident.note)
    return _unless_impossible(decide_destination(base, root, relative, rules, stored_at), rules.mode)


def _unless_impossible(planned: PlannedFile, mode: TransferMode) -> PlannedFile:
    """A transfer that could only fail (a hardlink across filesystems) fails here, before anything
    moves: the dry run then says what the real run does, and the real run creates no folder for it.
    Its companions follow, as for any video that is not imported."""
    if planned.status is not Status.PLANNED or planned.destination is None:
        return planned
    why = impossible(planned.candidate.path, planned.destination, mode)
    return planned if why is None else replace(planned, status=Status.FAILED, action=Action.NONE,
                                                   why=decisions.hardlink_impossible(why))


def destination_for(match: Match, release: Release | None, suffix: str, rules: Rules) -> str:
    """The path relative to the library root, from the naming templates."""
    item = match.item
    release = release or Release(name="")
    if item.type is MediaType.MOVIE:
        values = {
            "title": item.title, "year": item.year, "part": release.part,
            "edition": release.edition, "resolution": release.resolution,
            "source": release.source, "release_group": release.release_group,
            "imdb_id": None, "tmdb_id": None,
        }
        template = rules.movie_template
    else:
        first = match.episodes[0]
        titles = [e.title for e in match.episodes if e.title]
        values = {
            "show": item.title, "show_year": item.year, "season": first.season,
            "episode": first.episode,
            "episode_code": naming.episode_code(first.season, [e.episode for e in match.episodes]),
            "episode_title": " + ".join(titles) if titles else None,
            "air_date": first.air_date,
            "absolute": release.absolute[0] if release.absolute else None,
            "resolution": release.resolution, "source": release.source,
            "release_group": release.release_group,
        }
        template = rules.episode_template
    ext = suffix.lower()
    rendered = naming.render(template, values, reserve=len(ext.encode()) + naming.SUFFIX_MARGIN)
    return f"{rendered}{ext}"


def decide_destination(
    planned: PlannedFile, root: LibraryRoot, relative: str, rules: Rules, stored_at
) -> PlannedFile:
    """Apply the conflict policy to a destination that may already be taken."""
    source = planned.candidate.path
    dest = root.path / relative
    action = predict_action(source, dest, rules.mode)
    planned = replace(planned, destination=dest, action=action)
    if not os.path.lexists(dest):
        return planned
    stored = stored_at(root, relative)
    if _already_there(source, dest, stored):
        return replace(planned, status=Status.ALREADY_IMPORTED, action=Action.NONE)
    taken = f"{dest} already holds a different file ({format_size(_size(dest))})"
    policy = rules.conflict
    if policy is ConflictPolicy.REPLACE:
        return replace(planned, replaces=dest)
    if policy is ConflictPolicy.KEEP_BOTH:
        return _keep_both(planned, root, dest, stored_at)
    if policy is ConflictPolicy.UPGRADE:
        return _upgrade_or_skip(planned, dest, taken, stored, rules)
    if policy is ConflictPolicy.FAIL:
        return replace(planned, status=Status.FAILED, action=Action.NONE, stops_run=True,
                       why=decisions.conflict_fail(taken))
    return replace(
        planned, status=Status.SKIPPED, action=Action.NONE,
        why=decisions.destination_taken(taken, "replace, upgrade or keep-both"),
    )


def _root(item: MediaRef, rules: Rules) -> LibraryRoot | None:
    """The item's folder where it has files and that folder is still there, else the configured
    (or first suitable) one."""
    home = rules.home(item) if rules.home is not None else None
    if home is not None and os.path.isdir(home.path):
        return home
    return rules.roots.get(item.type)


def _upgrade_or_skip(planned: PlannedFile, dest: Path, taken: str, stored, rules: Rules) -> PlannedFile:
    new = quality.of_release(planned.release, planned.candidate.size)
    old = quality.of_library_file(dest, stored, rules.parse)
    verdict = quality.judge(new, old, policy_of(planned, rules))
    if verdict.better:
        return replace(planned, replaces=dest, note=f"{verdict.reason}; the old file goes to the recycle folder")
    return replace(planned, status=Status.SKIPPED, action=Action.NONE,
                   why=decisions.not_upgraded(verdict, taken))


def policy_of(p: PlannedFile, rules: Rules) -> quality.Policy:
    """What may replace this item's library file: its quality profile, else the settings."""
    found = rules.profile(p.match.item, p.root) if rules.profile is not None and p.match is not None else None
    return found or quality.Policy(cutoff=rules.upgrade_until)


def _already_there(source: Path, dest: Path, stored) -> bool:
    """The destination holds this very file: the same inode, our record of this source as it is
    now, or (for a file we have no record of) the same size and the same bytes where we look."""
    if same_file(source, dest):
        return True
    try:
        src, dst = source.stat(), dest.stat()
    except OSError:
        return False
    if src.st_size != dst.st_size:
        return False
    metadata = getattr(stored, "metadata", None) or {}
    if provenance.download_path(metadata) == str(source) and getattr(stored, "size", None) == dst.st_size:
        # Recorded from this source: the same file unless the source was replaced since.
        inode, mtime_ns = provenance.download_identity(metadata)
        if inode is None or (inode == src.st_ino and mtime_ns in (None, src.st_mtime_ns)):
            return True
    return _same_content(source, dest, src.st_size)


_SAMPLES = 8
_SAMPLE = 64 * 1024


def _same_content(a: Path, b: Path, size: int) -> bool:
    """Equal bytes at eight places spread over the files (the whole of a file up to 512 KiB).

    Video files of the same size that agree there are the same file; reading two files
    of 50 GB whole to be sure would make a re-run as slow as the import itself."""
    try:
        with open(a, "rb") as fa, open(b, "rb") as fb:
            if size <= _SAMPLES * _SAMPLE:
                return fa.read() == fb.read()
            step = (size - _SAMPLE) // (_SAMPLES - 1)
            for offset in range(0, step * _SAMPLES, step):
                fa.seek(offset)
                fb.seek(offset)
                if fa.read(_SAMPLE) != fb.read(_SAMPLE):
                    return False
            return True
    except OSError:
        return False


def _keep_both(planned: PlannedFile, root: LibraryRoot, dest: Path, stored_at) -> PlannedFile:
    """The next free "Name (2).ext", unless an earlier run already put this file at one."""
    n = 2
    while True:
        candidate = dest.with_name(f"{dest.stem} ({n}){dest.suffix}")
        if not os.path.lexists(candidate):
            return replace(planned, destination=candidate)
        stored = stored_at(root, candidate.relative_to(root.path).as_posix())
        if _already_there(planned.candidate.path, candidate, stored):
            return replace(planned, destination=candidate, status=Status.ALREADY_IMPORTED, action=Action.NONE)
        n += 1


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def check_root(root: LibraryRoot) -> None:
    """A library folder must exist and be writable before anything is planned into it."""
    from mydia_import.errors import running_as

    if not root.path.is_dir():
        raise MydiaImportError(
            f"library folder {root.path} does not exist (is the drive mounted?); "
            "create it or fix [library] in the config"
        )
    if _read_only(root.path):
        raise MydiaImportError(
            f"library folder {root.path} is on a read-only filesystem (for {running_as()}); "
            "remount it read-write, or in Docker drop :ro from that volume"
        )
    if not os.access(root.path, os.W_OK | os.X_OK):
        raise MydiaImportError(
            f"library folder {root.path} is not writable by {running_as()}; "
            "give that user write permission (chmod/chown) or run as a user who has it"
        )


def _read_only(path: Path) -> bool:
    try:
        return bool(os.statvfs(path).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):
        return False
