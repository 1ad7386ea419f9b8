"""Links that replace nothing are imported in batches: journaled together, made, recorded together.
A batch whose recording fails is recorded file by file, and only the file that cannot be recorded
is taken back. (The kills between those steps are in tests/test_safety_crash.py.)"""

from __future__ import annotations

from conftest import OFFICE_S02, make_pack_release

from mydia_import.errors import LibraryError
from mydia_import.execute import placing
from mydia_import.library.core import Library


def test_a_batch_of_links_is_journaled_in_one_commit_before_the_first_link(workspace, monkeypatch):
    ws = workspace
    pack = make_pack_release(ws.downloads)
    seen: list[int] = []
    real_place = placing.place

    def place(source, dest, *args, **kwargs):
        seen.append(ws.count("import_transfers"))  # committed rows, read from another connection
        return real_place(source, dest, *args, **kwargs)

    monkeypatch.setattr(placing, "place", place)
    ws.ok("import", str(pack.folder), "--mode", "hardlink")
    assert seen == [3, 3, 3]


def test_a_batch_whose_recording_fails_records_file_by_file_and_takes_back_only_the_failing_one(
        workspace, monkeypatch):
    ws = workspace
    pack = make_pack_release(ws.downloads)
    real_record = Library.record_file

    def record_file(self, root, relative, **kwargs):
        if "S02E02" in relative:
            raise LibraryError("disk I/O error")
        return real_record(self, root, relative, **kwargs)

    monkeypatch.setattr(Library, "record_file", record_file)
    document = ws.json("import", str(pack.folder), "--mode", "hardlink", code=3)
    by_name = {f["source"].rsplit("/", 1)[-1]: f for f in document["files"] if f["kind"] == "video"}
    failed = by_name["The.Office.US.S02E02.720p.WEB-DL.DD5.1.H.264-NTb.mkv"]
    assert failed["status"] == "failed" and "the import was undone" in failed["reason"]
    assert not (ws.tv / OFFICE_S02[2]).exists()
    for n in (1, 3):
        assert (ws.tv / OFFICE_S02[n]).stat().st_ino == pack.episodes[n].stat().st_ino
    assert {r["relative_path"] for r in ws.query("SELECT relative_path FROM media_files")} == {
        OFFICE_S02[1], OFFICE_S02[3]}
    assert ws.count("import_transfers WHERE state = 'started'") == 0
