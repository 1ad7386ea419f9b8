"""The recycle folder: where a file goes when a better one (or `--conflict replace`) takes its place.

It is never deleted on the spot. Before the new file replaces it (in one
atomic rename), it gets a second name in `[recycle] path` (default: a hidden
`.mydia-recycle` folder in its library folder, so that name is a hardlink on
one filesystem, and media servers skip hidden folders; elsewhere a verified
copy), keeping its path below the library folder
(`.mydia-recycle/Movie (2010)/Movie (2010).mkv`, `… (2).mkv` on a clash).
The journal row of the transfer that replaced it says where it went: `undo`
puts it back from there, and a normal run deletes it `[recycle] days` after
(0 keeps it for ever).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import os
from pathlib import Path

from mydia_import.execute import tidy
from mydia_import.models import LibraryRoot, TransferMode

FOLDER = ".mydia-recycle"


def destination(settings, root: LibraryRoot, old: Path) -> Path:
    """A free name in the recycle folder for the file at `old` (inside `root`)."""
    base = base_folder(settings, root)
    try:
        relative = old.relative_to(root.path)
    except ValueError:
        relative = Path(old.name)
    target = base / relative
    n = 2
    while os.path.lexists(target):
        target = target.with_name(f"{relative.stem} ({n}){relative.suffix}")
        n += 1
    return target


def base_folder(settings, root: LibraryRoot) -> Path:
    configured = getattr(settings, "recycle_path", None)
    return Path(configured) if configured else Path(root.path) / FOLDER


class Mover:
    """The Displacer (execute/transfer.py) for upgrades and replacements.

    `displace` gives the old file a second name in the recycle folder (a hardlink; across
    filesystems a verified copy) and leaves it in place, so that the new file can then
    replace it in one atomic rename: players never see the name missing. `restore` undoes
    that when the new file could not take its place.
    """

    def __init__(self, old: Path, recycled: Path):
        self.old = old
        self.recycled = recycled

    def displace(self) -> None:
        keep_aside(self.old, self.recycled)

    def restore(self) -> None:
        if not os.path.lexists(self.recycled):
            return
        if os.path.lexists(self.old):
            os.unlink(self.recycled)  # the old file never left its place: drop its second name
        else:
            move_aside(self.recycled, self.old)


def keep_aside(source: Path, target: Path) -> None:
    """A second name (or a complete copy) of source at target; source stays where it is."""
    from mydia_import.execute.transfer import transfer

    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target, follow_symlinks=False)  # a symlink is kept as the link it is
        return
    except OSError as error:
        if error.errno not in (errno.EXDEV, errno.EPERM, errno.EMLINK, errno.EOPNOTSUPP):
            raise
    if os.path.islink(source):
        os.symlink(os.readlink(source), target)
    else:
        transfer(source, target, TransferMode.COPY)  # temporary name, checked, synced


def move_aside(source: Path, target: Path) -> None:
    """Move one file (or symlink) to target: a rename where it can be, else a copy that is
    complete at target before the source goes. Never over an existing target."""
    from mydia_import.execute.transfer import transfer

    target.parent.mkdir(parents=True, exist_ok=True)
    if os.path.lexists(target):
        raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(target))
    try:
        os.rename(source, target)
        return
    except OSError as error:
        if error.errno != errno.EXDEV:
            raise
    if os.path.islink(source):
        os.symlink(os.readlink(source), target)
        os.unlink(source)
        return
    transfer(source, target, TransferMode.MOVE)


def purge(library, settings, now: dt.datetime | None = None) -> list[Path]:
    """Delete what has been in the recycle folder longer than [recycle] days; returns what went."""
    days = getattr(settings, "recycle_days", 30)
    if not days or days <= 0:
        return []
    now = now or dt.datetime.now(dt.UTC)
    cutoff = (now - dt.timedelta(days=days)).isoformat().replace("+00:00", "Z")
    purged = []
    for entry in library.journal.recycled_before(cutoff):
        path = entry.recycled
        assert path is not None
        with contextlib.suppress(FileNotFoundError):
            try:
                os.unlink(path)
            except OSError:
                continue  # still there: tried again by the next run
            purged.append(path)
        library.journal.mark_purged(entry.id)
        _remove_empty_folders(path.parent, _base_of(path, settings))
    return purged


def _base_of(path: Path, settings) -> Path | None:
    configured = getattr(settings, "recycle_path", None)
    if configured and path.is_relative_to(configured):
        return Path(configured)
    for folder in path.parents:
        if folder.name == FOLDER:
            return folder
    return None


def _remove_empty_folders(folder: Path, base: Path | None) -> None:
    """Empty folders inside the recycle folder, up to (not including) it."""
    if base is None:
        return
    tidy.remove_empty_folders(folder, base)
    if base.name == FOLDER:  # the tool's own hidden folder goes when empty; a configured one stays
        with contextlib.suppress(OSError):
            base.rmdir()
