"""Who may read the files the tool creates, and what to say when it may not.

Docker containers and shared NAS boxes need the library's files and folders
to get a fixed mode and group, whatever the umask of the download client that
started the tool (`[permissions] file_mode`, `folder_mode`, `group`). Unset,
the umask decides, as for any program. Hardlinks and symlinks are never
changed: a hardlink is the download's own inode, and chmod on it would change
the seeding file too.

`explain` turns EACCES, EPERM and EROFS into a sentence that names the path,
the operation, the user and group the tool runs as, and what to change.
"""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass
from pathlib import Path

from mydia_import.errors import ConfigError, running_as


@dataclass(frozen=True)
class Permissions:
    """Mode bits and group for what the tool creates; None leaves it to the umask."""

    file_mode: int | None = None
    folder_mode: int | None = None
    gid: int | None = None

    @property
    def any(self) -> bool:
        return (self.file_mode, self.folder_mode, self.gid) != (None, None, None)

    def apply_file(self, path: Path) -> None:
        self._apply(path, self.file_mode)

    def apply_folder(self, path: Path) -> None:
        self._apply(path, self.folder_mode)

    def _apply(self, path: Path, mode: int | None) -> None:
        if self.gid is not None:  # first: chown may clear the setgid bit the mode sets
            os.chown(path, -1, self.gid)
        if mode is not None:
            os.chmod(path, mode)


def parse_mode(text: str) -> int:
    return int(text, 8)


def from_settings(settings) -> Permissions:
    """The [permissions] settings, the group checked: it must exist and hold the user."""
    file_mode = getattr(settings, "file_mode", None)
    folder_mode = getattr(settings, "folder_mode", None)
    group = getattr(settings, "group", None)
    return Permissions(
        parse_mode(file_mode) if file_mode else None,
        parse_mode(folder_mode) if folder_mode else None,
        _gid(group) if group else None,
    )


def _gid(group: str) -> int:
    import grp

    try:
        gid = int(group) if group.isdigit() else grp.getgrnam(group).gr_gid
    except KeyError:
        raise ConfigError(
            f"[permissions] group = {group!r}: there is no such group on this system; "
            "name an existing group (getent group) or a numeric gid"
        ) from None
    if os.geteuid() != 0 and gid != os.getegid() and gid not in os.getgroups():
        raise ConfigError(
            f"[permissions] group = {group!r}: {running_as()} is not a member of it, so it cannot "
            "give files to it; add the user to the group (usermod -aG GROUP USER, then log in again; "
            "in Docker set PGID) or unset the key"
        )
    return gid


def nearest_folder(path: Path) -> Path:
    folder = Path(os.path.abspath(path))
    while not folder.is_dir() and folder != folder.parent:
        folder = folder.parent
    return folder


def explain(error: OSError, *, path: Path, reading: bool) -> str | None:
    """Why a permission or read-only failure happened and what to change, or None for other errors.

    `path` is the file being read (reading=True), or the file or folder being written.
    """
    code = error.errno
    who = running_as()
    if code == errno.EROFS:
        folder = path if os.path.isdir(path) else nearest_folder(path.parent)
        return (f"{folder} is on a read-only filesystem (writing {path} as {who}); remount it "
                "read-write, or in Docker drop :ro from that volume")
    if code not in (errno.EACCES, errno.EPERM):
        return None
    if reading:
        return (f"permission denied for {who} reading {path}; give that user read permission on the "
                "file and search (x) permission on its folders (chmod o+r, or add the user to the file's group)")
    folder = path if os.path.isdir(path) else nearest_folder(path.parent)
    return (f"permission denied for {who} writing in {folder}; give that user write permission there "
            "(chown, or chmod g+w with the user in the folder's group; [permissions] group sets the group "
            "of what the tool creates) or run the tool as a user who has it")
