"""Small truths the user sees: copies keep the source's times, a dry run says what the real run
will do with a hardlink across filesystems, permission errors name the path that lacks the
permission, and output that is not a terminal gets one plain line per file."""

from __future__ import annotations

import os

import pytest
from conftest import BB_S01E02, make_episode_release

OLD_TIMES = (1_500_000_000_000_000_000, 1_400_000_000_123_456_789)  # (atime, mtime) in ns


# --- copies keep the source's times -----------------------------------------------------------------


@pytest.mark.parametrize("verify", ["size", "hash"])
def test_a_copied_library_file_has_the_modification_time_of_its_download(workspace, verify):
    ws = workspace
    episode = make_episode_release(ws.downloads)
    os.utime(episode, ns=OLD_TIMES)
    ws.json("scan", "--mode", "copy", "--verify", verify)
    st = (ws.tv / BB_S01E02).stat()
    assert st.st_mtime_ns == OLD_TIMES[1]
    assert st.st_atime_ns == OLD_TIMES[0]  # the hash read-back comes before the times are set


def test_keep_mtime_false_leaves_the_copy_its_own_time(workspace, monkeypatch):
    ws = workspace
    monkeypatch.setenv("MYDIA_IMPORT_IMPORT_KEEP_MTIME", "false")
    episode = make_episode_release(ws.downloads)
    os.utime(episode, ns=OLD_TIMES)
    ws.json("scan", "--mode", "copy")
    assert (ws.tv / BB_S01E02).stat().st_mtime_ns != OLD_TIMES[1]
