"""One error family. Each error carries the exit code the CLI returns for it
and a message meant to be read by a person, on one line."""

from __future__ import annotations

import errno
import getpass
import os
from pathlib import Path

EXIT_OK = 0
EXIT_FATAL = 1
EXIT_USAGE = 2
EXIT_PARTIAL = 3
EXIT_NOTHING_IMPORTED = 4


class MydiaImportError(Exception):
    """Base of every error the tool expects; the CLI prints it as one line."""

    exit_code = EXIT_FATAL

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ConfigError(MydiaImportError):
    """The config file is unreadable, not TOML, or holds a wrong key or value."""


class LibraryError(MydiaImportError):
    """The library database cannot be opened, is not SQLite, or refuses a write."""


class UsageError(MydiaImportError):
    """The command line asks for something that cannot be done as asked."""

    exit_code = EXIT_USAGE


class TransferError(MydiaImportError):
    """A file operation failed. The message names the verb, the reason and both paths."""

    def __init__(self, verb: str, reason: str | OSError, source: Path, dest: Path | None = None):
        self.verb = verb
        self.source = source
        self.dest = dest
        self.os_error = reason if isinstance(reason, OSError) else None
        text = describe_os_error(reason) if isinstance(reason, OSError) else reason
        where = f"{source} to {dest}" if dest is not None else f"{source}"
        # The reason last: it often ends with what to do ("...; use --mode copy").
        super().__init__(f"{verb} {where} failed: {text}")


def running_as() -> str:
    """'user alice (uid 1000), group media (gid 1001)': who to give permissions to."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError):
        name = "?"
    gid = os.getgid()
    try:
        import grp

        group = grp.getgrgid(gid).gr_name
    except (ImportError, KeyError, OSError):
        group = "?"
    return f"user {name} (uid {os.getuid()}), group {group} (gid {gid})"


def describe_os_error(error: OSError) -> str:
    """An OSError in words a user can act on."""
    if error.errno in (errno.EACCES, errno.EPERM):
        return f"permission denied for {running_as()}"
    if error.errno == errno.ENOSPC:
        return "no space left on the device"
    if error.errno == errno.EROFS:
        return "the filesystem is read-only"
    if error.errno == errno.EXDEV:
        return "source and destination are on different filesystems"
    if error.errno == errno.ENOENT:
        return "no such file or folder"
    return error.strerror or str(error)
