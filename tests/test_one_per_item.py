"""One video per movie and episode, end to end: another container or name is still a conflict,
upgrades work from scans while the older download seeds, subtitles follow their video, and a
handled download is never brought back. Real temporary folders, the CLI in-process."""

from __future__ import annotations

import os
import sqlite3

import pytest
from conftest import BB_S01E02, INCEPTION, KIB, write_file, write_text

MOVIE_FOLDER = "Inception (2010)"


def movie(ws, name: str, ext: str = "mkv", size: int = 16 * KIB):
    """A release folder holding one video of Inception."""
    return write_file(ws.downloads / name / f"{name}.{ext}", size)


def videos(ws) -> list[str]:
    """The videos in Inception's library folder (the recycle folder is elsewhere)."""
    folder = ws.movies / MOVIE_FOLDER
    return sorted(p.name for p in folder.iterdir() if p.suffix in (".mkv", ".mp4", ".avi")) if folder.exists() else []


def rows(ws) -> list[str]:
    return sorted(r["relative_path"] for r in ws.query("SELECT relative_path FROM media_files"))


def recycled(ws) -> list[str]:
    return sorted(p for p in ws.movie_files() if p.startswith(".mydia-recycle/"))


def statuses(document) -> list[tuple[str, str]]:
    return [(os.path.basename(f["source"]), f["status"]) for f in document["files"]]


# --- the invariant --------------------------------------------------------------------------------

def test_another_container_of_a_movie_already_there_is_a_conflict_by_default(workspace):
    ws = workspace
    ws.json("import", str(movie(ws, "Inception.2010.1080p.BluRay.x264-A").parent))
    document = ws.json("import", str(movie(ws, "Inception.2010.2160p.WEB-DL.x265-B", "mp4").parent), code=4)
    [f] = document["files"]
    assert f["status"] == "skipped"
    assert f["reason"] == ("Inception (2010) already has a video in the library: Inception (2010).mkv "
                           "(1080p BluRay); keep it, or import with --conflict upgrade, replace or keep-both")
    assert f["code"] == "rival-video"
    assert videos(ws) == ["Inception (2010).mkv"] and rows(ws) == [INCEPTION]


def test_upgrade_replaces_a_video_in_another_container_and_recycles_the_old_one(workspace):
    ws = workspace
    old = movie(ws, "Inception.2010.1080p.WEB-DL.x264-A")
    ws.json("import", str(old.parent))
    new = movie(ws, "Inception.2010.2160p.BluRay.x265-B", "mp4")
    document = ws.json("-v", "import", str(new.parent), "--conflict", "upgrade")
    assert statuses(document) == [(new.name, "imported")]
    assert videos(ws) == ["Inception (2010).mp4"]
    assert rows(ws) == [f"{MOVIE_FOLDER}/Inception (2010).mp4"]
    assert [(ws.movies / p).read_bytes() for p in recycled(ws)] == [old.read_bytes()]


def test_upgrade_says_which_quality_replaces_which_in_the_plan(workspace):
    ws = workspace
    ws.json("import", str(movie(ws, "Inception.2010.1080p.WEB-DL.x264-A").parent))
    new = movie(ws, "Inception.2010.2160p.BluRay.x265-B", "mp4")
    result = ws.ok("import", str(new.parent), "--conflict", "upgrade", "--dry-run")
    assert "2160p BluRay replaces 1080p WEB-DL" in " ".join(result.stdout.split())
    assert videos(ws) == ["Inception (2010).mkv"]  # a dry run touches nothing


def test_a_worse_release_in_another_container_is_not_put_beside_the_better_one(workspace):
    ws = workspace
    ws.json("import", str(movie(ws, "Inception.2010.720p.BluRay.x264-A").parent))
    worse = movie(ws, "Inception.2010.480p.DVDRip.XviD-B", "avi")
    document = ws.json("import", str(worse.parent), "--conflict", "upgrade", code=4)
    [f] = document["files"]
    assert f["reason"] == ("Inception (2010) already has Inception (2010).mkv: 480p DVDRip is not better than "
                           "720p BluRay already there (--conflict upgrade)")
    assert videos(ws) == ["Inception (2010).mkv"]


def test_keep_both_puts_another_container_beside_and_says_so(workspace):
    ws = workspace
    ws.json("import", str(movie(ws, "Inception.2010.1080p.BluRay.x264-A").parent))
    result = ws.ok("-v", "import", str(movie(ws, "Inception.2010.2160p.WEB-DL-B", "mp4").parent),
                   "--conflict", "keep-both")
    assert "--conflict keep-both" in " ".join(result.stdout.split())
    assert videos(ws) == ["Inception (2010).mkv", "Inception (2010).mp4"]
    assert len(rows(ws)) == 2


def test_conflict_fail_stops_at_another_container(workspace):
    ws = workspace
    ws.json("import", str(movie(ws, "Inception.2010.1080p.BluRay.x264-A").parent))
    document = ws.json("import", str(movie(ws, "Inception.2010.2160p.WEB-DL-B", "mp4").parent),
                       "--conflict", "fail", code=4)
    assert document["files"][0]["status"] == "failed"
    assert "and --conflict is fail" in document["files"][0]["reason"]


def test_a_video_put_there_by_another_tool_counts_though_it_has_no_record(workspace):
    ws = workspace
    write_file(ws.movies / MOVIE_FOLDER / "Inception.2010.720p.HDTV.mkv", 8 * KIB)
    document = ws.json("import", str(movie(ws, "Inception.2010.1080p.BluRay.x264-A", "mp4").parent), code=4)
    assert "already has a video in the library: Inception.2010.720p.HDTV.mkv (720p HDTV)" in \
        document["files"][0]["reason"]
    document = ws.json("import", str(movie(ws, "Inception.2010.1080p.BluRay.x264-A", "mp4").parent),
                       "--conflict", "upgrade")
    assert document["files"][0]["status"] == "imported"
    assert videos(ws) == ["Inception (2010).mp4"]


def test_two_releases_of_one_movie_in_one_scan_import_only_the_better(workspace):
    ws = workspace
    movie(ws, "Inception.2010.720p.HDTV.x264-A")
    movie(ws, "Inception.2010.1080p.BluRay.x264-B", "mp4")
    document = ws.json("scan")
    assert sorted(statuses(document)) == [("Inception.2010.1080p.BluRay.x264-B.mp4", "imported"),
                                          ("Inception.2010.720p.HDTV.x264-A.mkv", "skipped")]
    assert videos(ws) == ["Inception (2010).mp4"]


# --- upgrades from scans, while the older download seeds -------------------------------------------

@pytest.mark.parametrize("ext", ["mkv", "mp4"])
def test_a_scan_upgrades_while_the_old_download_still_seeds_and_never_flips_back(workspace, ext):
    ws = workspace
    old = movie(ws, "Inception.2010.1080p.WEB-DL.x264-A")
    ws.json("scan", "--mode", "hardlink")
    new = movie(ws, "Inception.2010.2160p.BluRay.x265-B", ext)
    document = ws.json("scan", "--mode", "hardlink", "--conflict", "upgrade")
    assert dict(statuses(document))[new.name] == "imported"
    assert dict(statuses(document))[old.name] == "skipped"
    assert videos(ws) == [f"Inception (2010).{ext}"]
    assert os.path.samefile(ws.movies / MOVIE_FOLDER / f"Inception (2010).{ext}", new)
    for _ in range(3):
        document = ws.json("scan", "--mode", "hardlink", "--conflict", "upgrade")
        assert dict(statuses(document)) == {new.name: "already-imported", old.name: "skipped"}
        assert videos(ws) == [f"Inception (2010).{ext}"]
    [why] = [f["reason"] for f in document["files"] if f["source"] == str(old)]
    assert "replaced it with a better file" in why and "not imported again" in why
    assert rows(ws) == [f"{MOVIE_FOLDER}/Inception (2010).{ext}"]


def test_a_scan_in_one_run_with_both_releases_new_imports_the_best_with_any_policy_but_keep_both(workspace):
    ws = workspace
    for name, ext in (("Inception.2010.720p.HDTV.x264-A", "mkv"), ("Inception.2010.2160p.BluRay.x265-B", "mkv"),
                      ("Inception.2010.1080p.WEB-DL.x264-C", "mp4")):
        movie(ws, name, ext)
    ws.json("scan", "--conflict", "replace")
    assert videos(ws) == ["Inception (2010).mkv"]
    assert (ws.movies / INCEPTION).read_bytes() == \
        (ws.downloads / "Inception.2010.2160p.BluRay.x265-B" / "Inception.2010.2160p.BluRay.x265-B.mkv").read_bytes()


def test_upgrade_until_stops_upgrading_at_the_cutoff(workspace):
    ws = workspace
    with ws.config.open("a") as config:
        config.write('upgrade_until = "1080p BluRay"\n')
    ws.json("import", str(movie(ws, "Inception.2010.1080p.BluRay.x264-A").parent))
    document = ws.json("import", str(movie(ws, "Inception.2010.2160p.BluRay.x265-B", "mp4").parent),
                       "--conflict", "upgrade", code=4)
    assert "meets the upgrade cutoff 1080p BluRay ([import] upgrade_until)" in document["files"][0]["reason"]
    assert document["files"][0]["code"] == "cutoff-met"
    proper = movie(ws, "Inception.2010.PROPER.1080p.BluRay.x264-C")
    assert ws.json("import", str(proper.parent), "--conflict", "upgrade")["files"][0]["status"] == "imported"


def test_a_bad_upgrade_until_is_one_clear_config_error(workspace):
    ws = workspace
    with ws.config.open("a") as config:
        config.write('upgrade_until = "best"\n')
    result = ws.cli("scan")
    assert result.exit_code == 1
    assert "upgrade_until" in result.stderr and "is not a quality" in result.stderr
    assert "Traceback" not in result.stderr


# --- subtitles follow their video -------------------------------------------------------------------

def test_the_old_videos_subtitles_follow_the_upgrade_and_the_new_release_replaces_its_own(workspace):
    ws = workspace
    with ws.config.open("a") as config:  # a name with the quality in it: the new video has another name
        config.write('\n[naming]\nmovie = "{title} ({year})/{title} ({year}) {resolution}"\n')
    old = movie(ws, "Inception.2010.1080p.WEB-DL.x264-A")
    write_text(old.parent / f"{old.stem}.en.srt", "old english\n")
    write_text(old.parent / f"{old.stem}.fr.srt", "old french\n")
    ws.json("import", str(old.parent))
    new = movie(ws, "Inception.2010.2160p.BluRay.x265-B", "mp4")
    write_text(new.parent / f"{new.stem}.en.srt", "new english\n")
    ws.json("import", str(new.parent), "--conflict", "upgrade")
    folder = ws.movies / MOVIE_FOLDER
    assert sorted(p.name for p in folder.iterdir()) == [
        "Inception (2010) 2160p.en.srt", "Inception (2010) 2160p.fr.srt", "Inception (2010) 2160p.mp4"]
    assert (folder / "Inception (2010) 2160p.en.srt").read_text() == "new english\n"
    assert (folder / "Inception (2010) 2160p.fr.srt").read_text() == "old french\n"
    assert any(p.endswith("Inception (2010) 1080p.en.srt") for p in recycled(ws))


def test_undo_of_an_upgrade_puts_back_the_old_video_its_subtitles_and_its_record(workspace):
    ws = workspace
    with ws.config.open("a") as config:
        config.write('\n[naming]\nmovie = "{title} ({year})/{title} ({year}) {resolution}"\n')
    old = movie(ws, "Inception.2010.1080p.WEB-DL.x264-A")
    write_text(old.parent / f"{old.stem}.fr.srt", "old french\n")
    ws.json("import", str(old.parent))
    before = (rows(ws), sorted(ws.movie_files()))
    job = ws.json("import", str(movie(ws, "Inception.2010.2160p.BluRay.x265-B", "mp4").parent),
                  "--conflict", "upgrade")["job"]
    ws.ok("undo", job)
    assert (rows(ws), sorted(ws.movie_files())) == before


def test_a_run_killed_between_the_upgrade_and_the_retirement_is_finished_by_the_next(workspace):
    ws = workspace
    old = movie(ws, "Inception.2010.1080p.WEB-DL.x264-A")
    ws.json("import", str(old.parent))
    new = movie(ws, "Inception.2010.2160p.BluRay.x265-B", "mp4")
    killed = ws.process("import", str(new.parent), "--conflict", "upgrade",
                        env={"MYDIA_IMPORT_TEST_CRASH": "recorded"})
    assert killed.returncode == -9
    assert videos(ws) == ["Inception (2010).mkv", "Inception (2010).mp4"]  # the moment between
    ws.json("scan")  # any run settles what the killed one left
    assert videos(ws) == ["Inception (2010).mp4"]
    assert rows(ws) == [f"{MOVIE_FOLDER}/Inception (2010).mp4"]
    assert [(ws.movies / p).read_bytes() for p in recycled(ws)] == [old.read_bytes()]


# --- multi-episode files ----------------------------------------------------------------------------

def episode(ws, name: str, size: int = 16 * KIB):
    return write_file(ws.downloads / f"{name}.mkv", size)


def season_folder(ws) -> list[str]:
    folder = ws.tv / "Breaking Bad (2008)" / "Season 01"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_a_better_double_episode_replaces_both_singles(workspace):
    ws = workspace
    for n in (1, 2):
        ws.json("import", str(episode(ws, f"Breaking.Bad.S01E0{n}.720p.HDTV.x264-A")))
    double = episode(ws, "Breaking.Bad.S01E01E02.1080p.BluRay.x264-B")
    document = ws.json("import", str(double), "--conflict", "upgrade")
    assert document["files"][0]["status"] == "imported"
    assert season_folder(ws) == ["Breaking Bad (2008) - S01E01-E02 - Pilot + Cat's in the Bag....mkv"]
    assert ws.count("media_files") == 1


def test_a_single_episode_never_replaces_a_double_that_holds_another_episode(workspace):
    ws = workspace
    ws.json("import", str(episode(ws, "Breaking.Bad.S01E01E02.720p.HDTV.x264-A")))
    single = episode(ws, "Breaking.Bad.S01E02.1080p.BluRay.x264-B")
    document = ws.json("import", str(single), "--conflict", "upgrade", code=4)
    reason = document["files"][0]["reason"]
    assert "replacing it would leave S01E01 without a video" in reason
    assert document["files"][0]["code"] == "would-orphan-episode"
    assert season_folder(ws) == ["Breaking Bad (2008) - S01E01-E02 - Pilot + Cat's in the Bag....mkv"]


def test_a_double_episode_is_not_imported_over_a_single_it_is_not_better_than(workspace):
    ws = workspace
    ws.json("import", str(episode(ws, "Breaking.Bad.S01E02.1080p.BluRay.x264-A")))
    document = ws.json("import", str(episode(ws, "Breaking.Bad.S01E02E03.720p.HDTV.x264-B")),
                       "--conflict", "upgrade", code=4)
    assert "720p HDTV is not better than 1080p BluRay already there" in document["files"][0]["reason"]
    assert season_folder(ws) == [os.path.basename(BB_S01E02)]


# --- the memory of handled downloads -----------------------------------------------------------------

def test_a_library_file_the_user_deleted_is_not_brought_back_by_later_scans(workspace):
    ws = workspace
    source = movie(ws, "Inception.2010.1080p.BluRay.x264-A")
    job = ws.json("scan")["job"]
    (ws.movies / INCEPTION).unlink()
    for _ in range(2):
        document = ws.json("scan")  # nothing to do: exit 0
        [f] = document["files"]
        assert f["status"] == "skipped"
        assert f["reason"].startswith("imported on 20") and f"by job {job[:8]}" in f["reason"]
        assert "the library file has since been removed; not imported again (--reimport imports it again)" \
            in f["reason"]
        assert f["code"] == "handled-before"
        assert not (ws.movies / INCEPTION).exists()
    ws.json("import", str(source.parent), "--reimport")
    assert (ws.movies / INCEPTION).read_bytes() == source.read_bytes()


def test_a_media_files_row_mydia_removed_is_not_recorded_again(workspace):
    ws = workspace
    movie(ws, "Inception.2010.1080p.BluRay.x264-A")
    ws.json("scan")
    with sqlite3.connect(ws.db) as conn:
        conn.execute("DELETE FROM media_files")
    document = ws.json("scan")
    assert "media_files row has since been removed" in document["files"][0]["reason"]
    assert ws.count("media_files") == 0


def test_a_repack_under_the_same_name_is_a_new_file_and_is_imported(workspace):
    ws = workspace
    source = movie(ws, "Inception.2010.1080p.BluRay.x264-A")
    ws.json("scan")
    (ws.movies / INCEPTION).unlink()
    source.unlink()
    write_file(source, 20 * KIB)  # another file under the same name
    document = ws.json("scan")
    assert document["files"][0]["status"] == "imported"


def test_a_hook_does_not_bring_back_a_deleted_file_either(workspace):
    ws = workspace
    source = movie(ws, "Inception.2010.1080p.BluRay.x264-A")
    ws.ok("-q", "hook", "qbittorrent", "--content-path", str(source.parent), "--hash", "abc")
    (ws.movies / INCEPTION).unlink()
    result = ws.cli("-q", "hook", "qbittorrent", "--content-path", str(source.parent), "--hash", "abc")
    assert result.exit_code == 0
    assert not (ws.movies / INCEPTION).exists()


def test_a_video_of_another_movie_in_a_shared_folder_is_no_rival(workspace):
    ws = workspace
    with ws.config.open("a") as config:  # movies grouped by year: a folder holds several movies
        config.write('\n[naming]\nmovie = "{year}/{title} ({year})"\n')
    write_file(ws.movies / "2010" / "Shutter Island (2010).mkv", 8 * KIB)
    document = ws.json("import", str(movie(ws, "Inception.2010.1080p.BluRay.x264-A").parent))
    assert document["files"][0]["status"] == "imported"
    assert sorted(p.name for p in (ws.movies / "2010").iterdir()) == ["Inception (2010).mkv",
                                                                     "Shutter Island (2010).mkv"]


def test_an_episode_of_another_show_in_a_shared_folder_is_no_rival(workspace):
    ws = workspace
    with ws.config.open("a") as config:  # every show in one folder
        config.write('\n[naming]\nepisode = "All Shows/{show} - {episode_code}"\n')
    write_file(ws.tv / "All Shows" / "Breaking Bad Extra - S01E02.mkv", 8 * KIB)
    write_file(ws.tv / "All Shows" / "The Office (2005) - S01E02.mkv", 8 * KIB)
    document = ws.json("import", str(episode(ws, "Breaking.Bad.S01E02.720p.HDTV.x264-A")))
    assert document["files"][0]["status"] == "imported"
    write_file(ws.tv / "All Shows" / "Breaking Bad (2008) - S01E03.mkv", 8 * KIB)
    document = ws.json("import", str(episode(ws, "Breaking.Bad.S01E03.1080p.WEB-DL.x264-A")), code=4)
    assert "already has a video in the library: Breaking Bad (2008) - S01E03.mkv" in document["files"][0]["reason"]


def test_a_release_skipped_for_a_video_in_another_container_is_recalled_by_later_scans(workspace):
    ws = workspace
    ws.json("import", str(movie(ws, "Inception.2010.1080p.BluRay.x264-A").parent))
    movie(ws, "Inception.2010.2160p.WEB-DL.x265-B", "mp4")
    first = ws.json("scan")
    assert ws.count("import_settled_releases") == 2  # the skipped release too, settled while the mkv stays
    again = ws.json("scan")
    assert again["files"] == first["files"]
    (ws.movies / INCEPTION).unlink()  # the video in the way is gone: the release is decided again
    assert statuses(ws.json("scan")) == [("Inception.2010.1080p.BluRay.x264-A.mkv", "skipped"),
                                         ("Inception.2010.2160p.WEB-DL.x265-B.mp4", "imported")]


# --- Mydia's quality profiles ------------------------------------------------------------------------

def add_profile(ws, name: str, qualities: list[str], upgrades: bool, until: str | None, *, item: bool = True):
    """A row of Mydia's quality_profiles, named by Inception (item) or by the movies folder."""
    import json as json_module

    now = "2026-12-01T00:00:00"
    with sqlite3.connect(ws.db) as conn:
        conn.execute("INSERT INTO quality_profiles (id, name, upgrades_allowed, upgrade_until_quality, qualities, "
                     "inserted_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                     (name, name, int(upgrades), until, json_module.dumps(qualities), now, now))
        if item:
            conn.execute("UPDATE media_items SET quality_profile_id = ? WHERE title = 'Inception'", (name,))
        else:
            conn.execute("UPDATE library_paths SET quality_profile_id = ? WHERE path = ?", (name, str(ws.movies)))


def test_an_items_quality_profile_without_upgrades_keeps_its_file(workspace):
    ws = workspace
    add_profile(ws, "HD-1080p", ["1080p"], False, None)
    ws.json("import", str(movie(ws, "Inception.2010.1080p.WEB-DL.x264-A").parent))
    document = ws.json("import", str(movie(ws, "Inception.2010.1080p.BluRay.REMUX-B", "mp4").parent),
                       "--conflict", "upgrade", code=4)
    assert "quality profile 'HD-1080p' allows no upgrades (1080p WEB-DL already there)" in \
        document["files"][0]["reason"]
    assert videos(ws) == ["Inception (2010).mkv"]


def test_a_library_folders_quality_profile_keeps_a_quality_outside_it_from_replacing_one_inside(workspace):
    ws = workspace
    ws.json("import", str(movie(ws, "Inception.2010.720p.HDTV.x264-A").parent))
    add_profile(ws, "HD-720p", ["720p"], True, None, item=False)
    document = ws.json("import", str(movie(ws, "Inception.2010.2160p.BluRay.x265-B").parent),
                       "--conflict", "upgrade", code=4)
    assert "2160p BluRay is not one of the qualities of quality profile 'HD-720p' (720p)" in \
        document["files"][0]["reason"]
    assert document["files"][0]["code"] == "not-in-profile"
    better = movie(ws, "Inception.2010.720p.BluRay.x264-C")
    assert ws.json("import", str(better.parent), "--conflict", "upgrade")["files"][0]["status"] == "imported"


def test_the_release_left_out_of_a_run_names_both_qualities(workspace):
    ws = workspace
    movie(ws, "Inception.2010.720p.HDTV.x264-A")
    movie(ws, "Inception.2010.1080p.BluRay.x264-B", "mp4")
    [lost] = [f for f in ws.json("scan")["files"] if f["status"] == "skipped"]
    assert "is preferred (1080p BluRay over 720p HDTV); only one can be imported" in lost["reason"]
