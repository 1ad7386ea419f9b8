"""Every reason a file is not imported, as a named rule: its code and its message in one place.

As Sonarr's import specifications do, each check of the pipeline calls its rule here where it
is made, and gets back a `Decision`: a code from one enum (what code compares, and what
`--json` shows beside the reason), the message the user reads, and whether it is permanent (a
later run decides the same unless somebody acts) or temporary (a later run may import the file
by itself). docs/reference/decisions.md lists every code; tests/test_docs.py keeps it so.

Nothing here imports from the rest of the package: the rules take plain values.
"""

from __future__ import annotations

import errno
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol


class Code(StrEnum):
    # discovery
    INCOMPLETE = "incomplete"
    STILL_WRITTEN = "still-being-written"
    LINK_OUTSIDE = "link-outside"
    EMPTY = "empty"
    UNREADABLE = "unreadable"
    SAMPLE = "sample"
    EXTRA = "extra"
    DISC = "disc"
    ARCHIVES_ONLY = "archives-only"
    ARCHIVE = "archive"
    # identification
    NO_TITLE = "no-title"
    UNKNOWN_TITLE = "unknown-title"
    AMBIGUOUS = "ambiguous"
    YEAR_MISMATCH = "year-mismatch"
    MISSING_EPISODE = "missing-episode"
    NO_EPISODE = "no-episode"
    SEASON_PACK = "season-pack"
    NO_MATCH = "no-match"
    # planning
    NO_LIBRARY_FOLDER = "no-library-folder"
    HANDLED_BEFORE = "handled-before"
    DESTINATION_TAKEN = "destination-taken"
    RIVAL_VIDEO = "rival-video"
    WOULD_ORPHAN = "would-orphan-episode"
    NOT_AN_UPGRADE = "not-an-upgrade"
    CUTOFF_MET = "cutoff-met"
    NOT_IN_PROFILE = "not-in-profile"
    NO_UPGRADES = "no-upgrades"
    UNKNOWN_QUALITY = "unknown-quality"
    CONFLICT_FAIL = "conflict-fail"
    RUN_STOPPED = "run-stopped"
    COLLISION = "collision"
    REPLACED_IN_RUN = "replaced-in-run"
    NO_VIDEO_FOR_COMPANION = "no-video-for-companion"
    VIDEO_NOT_IMPORTED = "video-not-imported"
    HARDLINK_IMPOSSIBLE = "hardlink-impossible"
    # the run
    VIDEO_FAILED = "video-failed"
    NO_SPACE = "no-space"
    PERMISSION = "permission"
    TRANSFER_FAILED = "transfer-failed"
    RECORD_FAILED = "record-failed"
    INTERRUPTED = "interrupted"
    RECOVERED = "recovered"
    IMPORTED_WITH_PROBLEMS = "imported-with-problems"

    @property
    def permanent(self) -> bool:
        """False when a later run may import the file without anybody doing anything."""
        return self not in _TEMPORARY


_TEMPORARY = frozenset({
    Code.INCOMPLETE, Code.STILL_WRITTEN, Code.VIDEO_FAILED, Code.NO_SPACE, Code.TRANSFER_FAILED,
    Code.RECORD_FAILED, Code.INTERRUPTED, Code.RUN_STOPPED,
})


@dataclass(frozen=True, slots=True)
class Decision:
    """Why a file is not (or not simply) imported: a code, the user's message, its permanence."""

    code: Code
    message: str

    @property
    def permanent(self) -> bool:
        return self.code.permanent


def decision(code: Code | str | None, message: str | None) -> Decision | None:
    """The Decision of a stored code and message (None without a message; an unknown or missing
    code, as rows written before codes existed have, reads as None too)."""
    if message is None or code is None:
        return None
    try:
        return Decision(Code(code), message)
    except ValueError:
        return None


class Verdict(Protocol):
    """plan/quality.py's judgement of an upgrade, as the rules read it."""

    @property
    def reason(self) -> str: ...
    @property
    def code(self) -> Code | None: ...


# --- discovery --------------------------------------------------------------------------------


def incomplete(suffix: str) -> Decision:
    return Decision(Code.INCOMPLETE, f"the download is not complete yet ({suffix} file); "
                                     "it will be imported when the client finishes it")


def still_being_written(why: str, min_age: float) -> Decision:
    return Decision(Code.STILL_WRITTEN, f"still being written: {why}; files are imported once unchanged for "
                                        f"{min_age:g} s ([import] min_age), so a later scan imports it")


def link_outside(target: str, downloads: str) -> Decision:
    return Decision(Code.LINK_OUTSIDE, f"a symlink to {target}, outside the download folder {downloads}; links out "
                                       "of the downloads are never followed (nothing outside the download and "
                                       "library folders is touched)")


def empty() -> Decision:
    return Decision(Code.EMPTY, "the file is empty (0 bytes)")


def unlistable(error: str) -> Decision:
    return Decision(Code.UNREADABLE, f"cannot list this folder: {error}")


def unreadable_size(error: str) -> Decision:
    return Decision(Code.UNREADABLE, f"cannot read its size: {error}")


def sample(evidence: str) -> Decision:
    return Decision(Code.SAMPLE, f"looks like a sample: {evidence}")


def extra(evidence: str) -> Decision:
    return Decision(Code.EXTRA, f"an extra ({evidence}), not the main video; "
                                'set [import] extras = "import" to put extras in the library\'s extras folders')


def extra_not_imported(why: str) -> Decision:
    return Decision(Code.EXTRA, f"an extra, not imported: {why}")


def disc(folder: str) -> Decision:
    return Decision(Code.DISC, f"part of a disc folder ({folder}); disc structures are not imported, "
                               "convert the title to one file first")


ARCHIVES_ONLY = "the release holds only archives"


def archives_only(first: str, tool: str) -> Decision:
    return Decision(Code.ARCHIVES_ONLY, f"{ARCHIVES_ONLY} ({first}); extract it first "
                                  f"(for example with {tool} or your client's extractor), then import again")


def archive(message: str) -> Decision:
    """What became of an archive set (extracted, or why not): archives/ words it."""
    return Decision(Code.ARCHIVE, message)


# --- identification ---------------------------------------------------------------------------


def no_title() -> Decision:
    return Decision(Code.NO_TITLE, "the name gives no title to look up")


def unknown_title(kind: str, title: str, year: int | None) -> Decision:
    named = f"{title} ({year})" if year else title
    return Decision(Code.UNKNOWN_TITLE, f"no {kind} called '{named}' in the library; add it with "
                                        f"`mydia-import library add {kind} \"{title}\"` or `library load`")


def ambiguous(names: str) -> Decision:
    return Decision(Code.AMBIGUOUS, f"ambiguous: {names} both fit; add the year to the name or an alias to one of them")


def shared_title(names: str, miss: str) -> Decision:
    return Decision(Code.AMBIGUOUS, f"{names} share the title, and none has what the name gives: {miss}")


def year_mismatch(names: str, year: int | None) -> Decision:
    return Decision(Code.YEAR_MISMATCH, f"the library has {names} but the name says {year}")


# The show is known, the episode (or the episode of that date) is not.

def missing_episodes(show: str, missing: str) -> Decision:
    return Decision(Code.MISSING_EPISODE,
                    f"{show} has no {missing} in the library; add the episode(s) or load the show's episodes")


def no_episode_on(show: str, date: object) -> Decision:
    return Decision(Code.MISSING_EPISODE, f"{show} has no episode that aired on {date} in the library")


def several_episodes_on(show: str, count: int, date: object) -> Decision:
    return Decision(Code.MISSING_EPISODE, f"{show} has {count} episodes on {date}; cannot tell which")


# The name cannot be placed on one episode of a known show.

def show_without_episode(show: str) -> Decision:
    return Decision(Code.NO_EPISODE, f"'{show}' is a show in the library, but the name has no season and "
                                     "episode (like S01E02) to place it")


def unnumbered_special(how: str, show: str) -> Decision:
    return Decision(Code.NO_EPISODE, f"the name numbers a special ({how}) that {show} has no number for; "
                                     "import it by hand")


def season_unknown(seasons: str, show: str) -> Decision:
    return Decision(Code.NO_EPISODE, f"the name gives an episode number but no season, and its folder holds "
                                     f"seasons {seasons} of {show}; cannot tell which: rename it with its season "
                                     "(S02E05)")


# A name that covers a season or several, or a season's extras: never one episode.

def whole_season(season: str, show: str) -> Decision:
    return Decision(Code.SEASON_PACK, f"the name gives{season} but no episode number for {show}; a file is never "
                                      "mapped to a whole season: rename it with its episode (S01E02) or import it "
                                      "by hand")


def season_extras(what: str) -> Decision:
    return Decision(Code.SEASON_PACK, f"the name says it holds a season's {what}, not an episode; "
                                      "extras and subtitle packs are not matched to episodes")


def multi_season_pack(first: int, last: int) -> Decision:
    return Decision(Code.SEASON_PACK, f"the name covers seasons {first}-{last} (a multi-season pack); "
                                      "each file must give its own episode number (S01E02)")


def season_pack(season: int | None) -> Decision:
    return Decision(Code.SEASON_PACK, f"the name covers every episode of season {season} (a season pack); "
                                      "each file must give its own episode number (S01E02)")


def no_match() -> Decision:
    return Decision(Code.NO_MATCH, "no match")


# --- planning ---------------------------------------------------------------------------------


def no_library_folder(kind: str) -> Decision:
    return Decision(Code.NO_LIBRARY_FOLDER, f"no {kind} library folder is configured; set [library] {kind} "
                                            "in the config (or run `mydia-import init`)")


def imported_before(done: str, since: str) -> Decision:
    """A download this library imported (done: when, by which job, where), whose file has since gone (since)."""
    return Decision(Code.HANDLED_BEFORE, f"{done}; {since}; not imported again (--reimport imports it again)")


def handled_before(message: str) -> Decision:
    """A download handled before in another way (an archive set extracted before): its words are the caller's."""
    return Decision(Code.HANDLED_BEFORE, message)


def destination_taken(taken: str, options: str) -> Decision:
    return Decision(Code.DESTINATION_TAKEN, f"{taken}; keep it, or import with --conflict {options}")


def conflict_fail(taken: str) -> Decision:
    return Decision(Code.CONFLICT_FAIL, f"{taken} and --conflict is fail")


def rival_video(held: str) -> Decision:
    return Decision(Code.RIVAL_VIDEO, f"{held}; keep it, or import with --conflict upgrade, replace or keep-both")


def rival_fail(held: str) -> Decision:
    return Decision(Code.CONFLICT_FAIL, f"{held}, and --conflict is fail")


def would_orphan(label: str, rival: str, lost: str) -> Decision:
    return Decision(Code.WOULD_ORPHAN, f"{label} is in {rival} with {lost}; replacing it would leave {lost} "
                                       "without a video, so it stays (import a release that holds them all)")


def not_upgraded(verdict: Verdict, taken: str) -> Decision:
    """An upgrade refused by the quality judge (plan/quality.py's `judge`), under its verdict's code."""
    return Decision(verdict.code or Code.NOT_AN_UPGRADE, f"{taken}: {verdict.reason} (--conflict upgrade)")


def run_stopped(at: object) -> Decision:
    return Decision(Code.RUN_STOPPED, f"not imported: the run stopped at the conflict at {at} (--conflict fail)")


def collision(winner: str, destination: str | None, why: str = "already there, better quality or larger"
              ) -> Decision:
    """Two files of one run aimed at one destination (its name), or at one movie or episode (None);
    `why` the winner is preferred (its quality over the loser's)."""
    how = (f"goes to the same destination ({destination})" if destination is not None
           else "is a better copy of the same movie or episode")
    return Decision(Code.COLLISION, f"{winner} from this run {how} and is preferred ({why}); "
                                    "only one can be imported")


def replaced_in_run(winner: str) -> Decision:
    return Decision(Code.REPLACED_IN_RUN, f"replaced in this run by {winner}, a better release")


def no_video_for_subtitle() -> Decision:
    return Decision(Code.NO_VIDEO_FOR_COMPANION, "no video of this release matches this subtitle")


def video_not_imported(video: str, reason: str | None) -> Decision:
    return Decision(Code.VIDEO_NOT_IMPORTED, f"its video {video} is not imported ({reason})")


def hardlink_impossible(message: str) -> Decision:
    return Decision(Code.HARDLINK_IMPOSSIBLE, message)


# --- the run ----------------------------------------------------------------------------------


def video_failed(failure: str) -> Decision:
    return Decision(Code.VIDEO_FAILED, f"its video was not imported: {failure}")


_NO_LINK = frozenset({errno.EXDEV, errno.EMLINK, errno.EOPNOTSUPP, errno.EPERM})
_DENIED = frozenset({errno.EACCES, errno.EPERM, errno.EROFS})


def transfer_failed(message: str, os_errno: int | None = None, *, linking: bool = False) -> Decision:
    """A transfer that failed (execute/transfer.py words it), coded by its error number: no space,
    a hardlink the filesystem refuses (linking: --mode hardlink), permission, or any other."""
    if os_errno == errno.ENOSPC:
        code = Code.NO_SPACE
    elif linking and os_errno in _NO_LINK:
        code = Code.HARDLINK_IMPOSSIBLE
    elif os_errno in _DENIED:
        code = Code.PERMISSION
    else:
        code = Code.TRANSFER_FAILED
    return Decision(code, message)


def record_failed(message: str) -> Decision:
    return Decision(Code.RECORD_FAILED, message)


def interrupted(message: str) -> Decision:
    return Decision(Code.INTERRUPTED, message)


RECOVERED = "completed by the next run after this run was interrupted"


def recovered() -> Decision:
    return Decision(Code.RECOVERED, RECOVERED)


def imported_with_problems(problems: str) -> Decision:
    """Imported, but retiring the files it replaces (or a step after its rename) went wrong."""
    return Decision(Code.IMPORTED_WITH_PROBLEMS, f"imported, but {problems}")


def imported_despite(failure: str) -> Decision:
    """In place and recorded although a step after its rename failed (a folder's fsync)."""
    return Decision(Code.IMPORTED_WITH_PROBLEMS, failure)
