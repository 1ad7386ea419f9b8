"""Companions follow their video: subtitles, extras and .nfo files.

A subtitle belongs to the video of its release whose name it starts with, or
whose folder it sits in under `Subs/` (RARBG's `Subs/<release>/2_English.srt`),
or to the release's only video, or to the video with the same season and
episode. It goes beside the video's destination with the language from its
name (`.en`, `.forced`, `.sdh`), and is imported only when its video is.

An extra (`Featurettes/`, `-trailer`, ...) goes, when `[import] extras` asks,
into the Plex/Jellyfin extras folder of its release's movie or show
(`<Movie folder>/Featurettes/<name>`); a release's `.nfo`, when `[import] nfo`
asks, goes beside its video as `<video name>.nfo`. Both follow the video's
transfer mode and are imported only when their video is.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from mydia_import import decisions as rules
from mydia_import.execute.transfer import predict_action, same_file
from mydia_import.models import (
    Action,
    Candidate,
    ConflictPolicy,
    Kind,
    MediaType,
    PlannedFile,
    Release,
    Status,
    TransferMode,
)
from mydia_import.plan import naming

_SUBS_FOLDERS = {"subs", "subtitles", "sub", "subtitle"}
_USABLE = (Status.PLANNED, Status.ALREADY_IMPORTED)


def plan_subtitles(
    subtitles: Sequence[Candidate],
    videos: Sequence[PlannedFile],
    parse: Callable[[str], Release],
    mode: TransferMode,
    conflict: ConflictPolicy,
) -> list[PlannedFile]:
    planned: list[PlannedFile] = []
    taken: dict[tuple[Path, str, bool, bool], int] = {}
    # A subtitle's candidates are the videos of its release: a dict built once, not a filter of
    # every video for every subtitle (quadratic: 15,000 subtitles beside 70,000 videos).
    by_release: dict[Path, list[PlannedFile]] = {}
    for v in videos:
        by_release.setdefault(v.candidate.release, []).append(v)
    for sub in subtitles:
        if sub.skip_reason:
            planned.append(PlannedFile(sub, Status.SKIPPED, reason=sub.skip_reason, code=sub.skip_code))
            continue
        release = parse(sub.path.name)
        video = find_video(sub, release, by_release.get(sub.release, ()))
        if video is None:
            planned.append(PlannedFile(sub, Status.SKIPPED, release=release,
                                       why=rules.no_video_for_subtitle()))
            continue
        if video.status not in _USABLE or video.destination is None:
            planned.append(PlannedFile(
                sub, Status.SKIPPED, release=release, match=video.match, companion_of=video.candidate.path,
                why=rules.video_not_imported(video.candidate.path.name, video.reason),
            ))
            continue
        key = (video.destination, release.language or "", release.forced, release.sdh)
        taken[key] = taken.get(key, 0) + 1

        def name(index: int, video=video, release=release, sub=sub) -> Path:
            return naming.subtitle_path(video.destination, release.language, release.forced, release.sdh,
                                        sub.path.suffix.lower(), index if index > 1 else None)

        dest = name(taken[key])
        base = PlannedFile(sub, Status.PLANNED, action=predict_action(sub.path, dest, mode),
                           destination=dest, root=video.root, release=release, match=video.match,
                           companion_of=video.candidate.path)
        # The subtitles of a video that replaces the library's take the old ones' places.
        policy = ConflictPolicy.REPLACE if video.replaces is not None or video.retires else conflict
        planned.append(_conflict(base, dest, policy, name, taken[key]))
    return planned


def find_video(sub: Candidate, release: Release, videos: Sequence[PlannedFile]) -> PlannedFile | None:
    """The video of the same release this subtitle belongs to, or None."""
    mains = [v for v in videos if v.candidate.skip_reason is None]
    by_prefix = [v for v in mains if v.candidate.path.parent == sub.path.parent
                 and sub.path.stem.lower().startswith(v.candidate.path.stem.lower())]
    if by_prefix:
        return max(by_prefix, key=lambda v: len(v.candidate.path.stem))
    folders = [f.lower() for f in sub.folders]
    in_subs = any(f in _SUBS_FOLDERS for f in folders)
    if in_subs and sub.path.parent.parent.name.lower() in _SUBS_FOLDERS:
        named = [v for v in mains if v.candidate.path.stem.lower() == sub.path.parent.name.lower()]
        if len(named) == 1:
            return named[0]
    if len(mains) == 1:
        return mains[0]
    if release.episodes:
        same = [v for v in mains if v.release is not None and v.release.episodes == release.episodes
                and v.release.season == release.season]
        if len(same) == 1:
            return same[0]
    return None


def plan_extras(
    extras: Sequence[Candidate],
    videos: Sequence[PlannedFile],
    mode: TransferMode,
    conflict: ConflictPolicy,
    import_extras: bool,
) -> list[PlannedFile]:
    """Extras into the extras folder of their release's movie or show, or skipped with the
    reason discovery gave (`[import] extras = "skip"`, the default)."""
    planned: list[PlannedFile] = []
    for extra in extras:
        if not import_extras or extra.extra is None:
            planned.append(PlannedFile(extra, Status.SKIPPED, reason=extra.skip_reason, code=extra.skip_code))
            continue
        usable = [v for v in videos if v.candidate.release == extra.release and v.status in _USABLE
                  and v.destination is not None and v.match is not None and v.root is not None]
        items = {v.match.item.id for v in usable}
        if len(items) != 1:
            why = ("no video of its release is imported" if not items
                   else "its release holds videos of several items; cannot tell whose extra it is")
            planned.append(PlannedFile(extra, Status.SKIPPED, why=rules.extra_not_imported(why)))
            continue
        video = usable[0]
        folder = extras_folder(video)
        dest = folder / extra.extra / naming.sanitize_component(extra.path.stem, file_stem=True,
                                                                 max_bytes=naming.MAX_NAME_BYTES - 16)
        dest = dest.with_name(dest.name + extra.path.suffix.lower())
        base = PlannedFile(extra, Status.PLANNED, action=predict_action(extra.path, dest, mode),
                           destination=dest, root=video.root, match=video.match,
                           companion_of=video.candidate.path)
        planned.append(_conflict(base, dest, conflict, lambda i, d=dest: d.with_name(f"{d.stem} ({i}){d.suffix}"),
                                 1, "extra"))
    return planned


def extras_folder(video: PlannedFile) -> Path:
    """The folder whose extras folders Plex and Jellyfin read: the movie's folder, or the
    show's (the first folder under the library root)."""
    assert video.destination is not None and video.root is not None and video.match is not None
    if video.match.item.type is MediaType.TV_SHOW:
        relative = video.destination.relative_to(video.root.path)
        if len(relative.parts) > 1:
            return video.root.path / relative.parts[0]
    return video.destination.parent


def plan_nfos(videos: Sequence[PlannedFile], mode: TransferMode, conflict: ConflictPolicy) -> list[PlannedFile]:
    """Each imported video's .nfo, beside it as `<video name>.nfo`: the .nfo named like the
    video, else the only .nfo of a folder that holds one video (Sonarr's rules, one each)."""
    planned: list[PlannedFile] = []
    mains = [v for v in videos if v.candidate.kind is Kind.VIDEO and v.candidate.skip_reason is None]
    for video in mains:
        if video.status not in _USABLE or video.destination is None:
            continue
        nfo = _nfo_of(video, mains)
        if nfo is None:
            continue
        dest = video.destination.with_suffix(".nfo")
        try:
            size = nfo.stat().st_size
        except OSError:
            continue
        candidate = Candidate(nfo, video.candidate.release, size, Kind.EXTRA, extra="nfo", expected=False)
        base = PlannedFile(candidate, Status.PLANNED, action=predict_action(nfo, dest, mode),
                           destination=dest, root=video.root, match=video.match,
                           companion_of=video.candidate.path)
        planned.append(_conflict(base, dest, conflict,
                                 lambda i, d=dest: d.with_name(f"{d.stem}.{i}{d.suffix}"), 1, "nfo"))
    return planned


def _nfo_of(video: PlannedFile, mains: Sequence[PlannedFile]) -> Path | None:
    source = video.candidate.path
    own = source.with_suffix(".nfo")
    if own.is_file():
        return own
    folder = source.parent
    neighbours = [v for v in mains if v.candidate.path.parent == folder]
    if len(neighbours) != 1:
        return None
    try:
        found = sorted(p for p in folder.iterdir() if p.suffix.lower() == ".nfo" and p.is_file())
    except OSError:
        return None
    return found[0] if len(found) == 1 else None


def _conflict(planned: PlannedFile, dest: Path, policy: ConflictPolicy,
              name: Callable[[int], Path], index: int, what: str = "subtitle") -> PlannedFile:
    if not os.path.lexists(dest):
        return planned
    source = planned.candidate.path
    if same_file(source, dest) or _same_bytes(source, dest):
        return replace(planned, status=Status.ALREADY_IMPORTED, action=Action.NONE)
    if policy in (ConflictPolicy.REPLACE, ConflictPolicy.UPGRADE):
        return replace(planned, replaces=dest)
    if policy is ConflictPolicy.KEEP_BOTH:
        # The next number ("Name.2.en.srt"), unless an earlier run already put this one there.
        while os.path.lexists(alt := name(index := max(index + 1, 2))):
            if same_file(source, alt) or _same_bytes(source, alt):
                return replace(planned, destination=alt, status=Status.ALREADY_IMPORTED, action=Action.NONE)
        return replace(planned, destination=alt)
    taken = f"{dest} already holds a different {what}"
    if policy is ConflictPolicy.FAIL:
        return replace(planned, status=Status.FAILED, action=Action.NONE, stops_run=True,
                       why=rules.conflict_fail(taken))
    return replace(planned, status=Status.SKIPPED, action=Action.NONE,
                   why=rules.destination_taken(taken, "replace or keep-both"))


def _same_bytes(a: Path, b: Path, chunk: int = 1 << 20) -> bool:
    try:
        if a.stat().st_size != b.stat().st_size:
            return False
        with open(a, "rb") as fa, open(b, "rb") as fb:
            while True:
                block = fa.read(chunk)
                if block != fb.read(chunk):
                    return False
                if not block:
                    return True
    except OSError:
        return False
