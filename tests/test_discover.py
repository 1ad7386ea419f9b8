from __future__ import annotations

import os
from pathlib import Path

import pytest
from pyfakefs import helpers

from mydia_import.decisions import Code
from mydia_import.discover import walk as discover_module
from mydia_import.discover.walk import discover, discover_releases, format_size, iter_releases
from mydia_import.errors import UsageError
from mydia_import.models import Candidate, Kind

MB = 1_000_000


def dl() -> Path:
    return Path("/downloads")  # built per test: pyfakefs patches Path


def make(fs, release: Path, files: dict[str, int]) -> Path:
    """Create files (relative path -> size) under release; return release."""
    for name, size in files.items():
        fs.create_file(release / name, st_size=size)
    return release


def names(candidates) -> list[str]:
    return [c.path.relative_to(c.release).as_posix() if c.path != c.release else c.path.name
            for c in candidates]


def reasons(candidates) -> dict[str, str | None]:
    return dict(zip(names(candidates), (c.skip_reason for c in candidates), strict=True))


# --- what is kept ---------------------------------------------------------------------------


def test_single_file_release_is_its_own_release(fs):
    file = dl() / "Inception.2010.1080p.BluRay.x264-GRP.mkv"
    fs.create_file(file, st_size=700 * MB)

    [candidate] = discover(file)

    assert candidate.path == file
    assert candidate.release == file
    assert candidate.size == 700 * MB
    assert candidate.kind is Kind.VIDEO
    assert candidate.skip_reason is None


def test_single_file_of_no_interest_gives_nothing(fs):
    fs.create_file(dl() / "readme.txt", st_size=10)
    assert discover(dl() / "readme.txt") == []


def test_videos_and_subtitles_are_kept_and_junk_is_left_out(fs):
    release = make(fs, dl() / "Movie.2010", {
        "Movie.2010.mkv": 700 * MB,
        "Movie.2010.nfo": 2_000,
        "Movie.2010.en.srt": 50_000,
        "Subs/2_English.SRT": 50_000,
        "poster.jpg": 100_000,
        "RARBG.txt": 100,
        "setup.exe": 5 * MB,
        "Movie.2010.sfv": 100,
    })

    found = discover(release)

    assert names(found) == ["Movie.2010.en.srt", "Movie.2010.mkv", "Subs/2_English.SRT"]
    assert [c.kind for c in found] == [Kind.SUBTITLE, Kind.VIDEO, Kind.SUBTITLE]
    assert all(c.release == release and c.skip_reason is None for c in found)


@pytest.mark.parametrize("ext", [".mkv", ".MP4", ".avi", ".m4v", ".ts", ".m2ts", ".webm", ".iso"])
def test_video_extensions_in_any_case_are_videos(fs, ext):
    fs.create_file(dl() / f"Show.S01E01{ext}", st_size=300 * MB)
    assert [c.kind for c in discover(dl() / f"Show.S01E01{ext}")] == [Kind.VIDEO]


@pytest.mark.parametrize("ext", [".srt", ".ass", ".ssa", ".sub", ".idx", ".vtt", ".smi", ".sup"])
def test_subtitle_extensions_are_subtitles(fs, ext):
    fs.create_file(dl() / f"Movie.en{ext}", st_size=1000)
    assert [c.kind for c in discover(dl() / f"Movie.en{ext}")] == [Kind.SUBTITLE]


def test_order_is_by_name_depth_first_whatever_the_creation_order(fs):
    release = make(fs, dl() / "Show.S01", {
        "b/Show.S01E04.mkv": 300 * MB,
        "Show.S01E02.mkv": 300 * MB,
        "a/Show.S01E03.mkv": 300 * MB,
        "show.S01E01.mkv": 300 * MB,
    })

    assert names(discover(release)) == [
        "a/Show.S01E03.mkv", "b/Show.S01E04.mkv", "show.S01E01.mkv", "Show.S01E02.mkv",
    ]


def test_sizes_come_from_stat(fs):
    release = make(fs, dl() / "Pack", {"a.mkv": 123_456_789, "b.mkv": 98_765_432})
    assert [c.size for c in discover(release)] == [123_456_789, 98_765_432]


def test_discovery_never_opens_a_file(fs, monkeypatch):
    release = make(fs, dl() / "Movie", {"Movie.mkv": 700 * MB, "Movie.srt": 1000})

    def refuse(*args, **kwargs):
        raise AssertionError("discovery opened a file")

    monkeypatch.setattr("builtins.open", refuse)
    monkeypatch.setattr(os, "open", refuse)
    assert len(discover(release)) == 2


# --- what is skipped without a word ----------------------------------------------------------


@pytest.mark.parametrize("junk", [
    ".hidden.mkv", "._Movie.mkv", ".unmanic/Movie.mkv", ".@__thumb/Movie.mkv", "@eaDir/Movie.mkv/SYNOVIDEO.mkv",
    "Plex Versions/Optimized/Movie.mkv", "sub/.hidden/Movie.mkv",
])
def test_hidden_and_system_junk_is_ignored(fs, junk):
    release = make(fs, dl() / "Movie", {"Movie.mkv": 700 * MB, junk: 700 * MB})
    assert names(discover(release)) == ["Movie.mkv"]


def test_symlinked_folder_is_not_followed_but_a_symlinked_file_is(fs):
    fs.create_file("/library/Other (2001)/Other (2001).mkv", st_size=700 * MB)
    fs.create_file("/elsewhere/Movie.mkv", st_size=700 * MB)
    release = dl() / "Movie"
    fs.create_symlink(release / "linked-folder", "/library/Other (2001)")
    fs.create_symlink(release / "Movie.mkv", "/elsewhere/Movie.mkv")

    [candidate] = discover(release)

    assert candidate.path == release / "Movie.mkv"
    assert candidate.size == 700 * MB


def test_a_symlinked_folder_given_explicitly_is_walked(fs):
    fs.create_file("/real/Movie/Movie.mkv", st_size=700 * MB)
    fs.create_symlink(dl() / "Movie", "/real/Movie")
    assert names(discover(dl() / "Movie")) == ["Movie.mkv"]


def test_missing_path_is_a_usage_error(fs):
    with pytest.raises(UsageError, match="no such file or folder: /downloads/nope"):
        discover(dl() / "nope")


# --- samples -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", [
    "sample.mkv", "Movie-sample.mkv", "movie.2010.720p.sample.mkv", "sample-movie.mkv",
    "SAMPLE.MKV", "grp-movie_sample.mkv", "Sample.en.srt",
])
def test_sample_by_name(fs, name):
    [candidate] = discover(make(fs, dl() / "R", {name: 700 * MB}))
    assert candidate.skip_reason == "looks like a sample: its name says sample"
    assert candidate.skip_code is Code.SAMPLE and candidate.skip.permanent


@pytest.mark.parametrize("name", [
    "Samples.of.Life.2010.mkv", "Sampler.2019.mkv", "The.Sample.2020.1080p.mkv",
    "Examples.mkv", "Movie.2010.sampled.mkv",
])
def test_titles_merely_containing_sample_are_not_samples(fs, name):
    [candidate] = discover(make(fs, dl() / "R", {name: 700 * MB}))
    assert candidate.skip_reason is None


@pytest.mark.parametrize("folder", ["Sample", "samples", "SAMPLE", "Extra/Sample"])
def test_sample_by_folder_names_the_folder(fs, folder):
    release = make(fs, dl() / "Movie", {"Movie.mkv": 700 * MB, f"{folder}/movie.mkv": 700 * MB})

    found = reasons(discover(release))

    leaf = folder.rsplit("/", 1)[-1]
    assert found == {"Movie.mkv": None,
                     f"{folder}/movie.mkv": f"looks like a sample: it is in a {leaf} folder"}


def test_the_release_folder_itself_named_sample_does_not_make_samples(fs):
    release = make(fs, dl() / "Sample", {"Movie.Title.2010.mkv": 700 * MB})
    assert reasons(discover(release)) == {"Movie.Title.2010.mkv": None}


def test_sample_by_size_gives_the_evidence(fs):
    release = make(fs, dl() / "Movie.2010", {"Movie.2010.mkv": 700 * MB, "clip.mkv": 14 * MB})

    assert reasons(discover(release)) == {
        "Movie.2010.mkv": None,
        "clip.mkv": "looks like a sample: 14 MB, 2% of the release's main file "
                    "Movie.2010.mkv (700 MB)",
    }
    assert {c.path.name: c.skip_code for c in discover(release)} == {"Movie.2010.mkv": None, "clip.mkv": Code.SAMPLE}


def test_sample_by_size_of_a_tiny_file_says_under_one_percent(fs):
    release = make(fs, dl() / "M", {"Movie.mkv": 7_000 * MB, "tiny.mkv": 30 * MB})
    assert reasons(discover(release))["tiny.mkv"] == (
        "looks like a sample: 30 MB, under 1% of the release's main file Movie.mkv (7.0 GB)")


def test_sample_ratio_is_respected(fs):
    release = make(fs, dl() / "M", {"Movie.mkv": 700 * MB, "clip.mkv": 14 * MB})
    assert reasons(discover(release, sample_ratio=0.01))["clip.mkv"] is None
    assert reasons(discover(release, sample_ratio=0.0))["clip.mkv"] is None
    assert reasons(discover(release, sample_ratio=0.5))["clip.mkv"] is not None


def test_a_lone_small_video_is_not_a_sample_by_size(fs):
    release = make(fs, dl() / "Short.Film.2015", {"Short.Film.2015.mkv": 20 * MB,
                                                "Short.Film.2015.srt": 10_000})
    assert all(c.skip_reason is None for c in discover(release))


def test_season_pack_of_similar_episodes_has_no_samples(fs):
    sizes = {f"Show.S01E{n:02}.mkv": (250 + 20 * n) * MB for n in range(1, 11)}
    release = make(fs, dl() / "Show.S01", sizes)
    assert all(c.skip_reason is None for c in discover(release))


def test_samples_by_name_are_not_the_size_reference(fs):
    release = make(fs, dl() / "M", {"Movie-sample.mkv": 2_000 * MB, "Movie.mkv": 150 * MB})
    assert reasons(discover(release))["Movie.mkv"] is None


def test_an_unfinished_main_video_is_still_the_size_reference(fs):
    release = make(fs, dl() / "M", {"Movie.mkv.!qB": 700 * MB, "clip.mkv": 14 * MB})
    assert reasons(discover(release))["clip.mkv"].startswith("looks like a sample: 14 MB, 2%")


# --- extras --------------------------------------------------------------------------------


@pytest.mark.parametrize("path, evidence", [
    ("Featurettes/Making Of.mkv", "Featurettes folder"),
    ("extras/Gag Reel.mkv", "extras folder"),
    ("Behind The Scenes/x.mkv", "Behind The Scenes folder"),
    ("Deleted Scenes/x.mkv", "Deleted Scenes folder"),
    ("Interviews/x.mkv", "Interviews folder"),
    ("Trailers/x.mkv", "Trailers folder"),
    ("Shorts/x.mkv", "Shorts folder"),
    ("Scenes/x.mkv", "Scenes folder"),
    ("Other/x.mkv", "Other folder"),
    ("Featurettes/x.en.srt", "Featurettes folder"),
    ("Movie (2010)-trailer.mkv", "its name ends with -trailer"),
    ("Movie (2010)-featurette.mp4", "its name ends with -featurette"),
    ("Movie-behindthescenes.mkv", "its name ends with -behindthescenes"),
    ("Movie-deleted.mkv", "its name ends with -deleted"),
    ("Movie-interview.mkv", "its name ends with -interview"),
    ("Movie-scene.mkv", "its name ends with -scene"),
    ("Movie-short.mkv", "its name ends with -short"),
    ("Movie-other.mkv", "its name ends with -other"),
])
def test_extras_are_reported_as_extras(fs, path, evidence):
    release = make(fs, dl() / "Movie", {"Movie.mkv": 700 * MB, path: 600 * MB})

    found = dict(zip(names(discover(release)), discover(release), strict=True))

    assert found[path].kind is Kind.EXTRA
    assert found[path].skip_reason == (
        f"an extra ({evidence}), not the main video; "
        'set [import] extras = "import" to put extras in the library\'s extras folders')
    assert found[path].skip_code is Code.EXTRA
    assert found["Movie.mkv"].skip_reason is None


@pytest.mark.parametrize("name", ["Movie.2010.1080p.BluRay.x264-SCENE.mkv", "Movie.2010-SHORT.mkv"])
def test_a_release_group_that_looks_like_an_extra_suffix_is_still_the_main_video(fs, name):
    release = make(fs, dl() / "Movie", {name: 700 * MB})

    (found,) = discover(release)

    assert found.kind is Kind.VIDEO
    assert found.skip_reason is None


def test_small_extras_are_extras_not_samples_and_do_not_count_as_main(fs):
    release = make(fs, dl() / "Movie", {"Movie.mkv": 100 * MB, "Extras/Big.Feature.mkv": 5_000 * MB,
                                      "Trailers/t.mkv": 5 * MB})
    found = discover(release)
    assert [c.kind for c in found] == [Kind.EXTRA, Kind.VIDEO, Kind.EXTRA]
    assert found[1].skip_reason is None


# --- files still being downloaded -----------------------------------------------------------


@pytest.mark.parametrize("name, suffix", [
    ("Movie.mkv.!qB", ".!qB"), ("Movie.mkv.part", ".part"), ("Movie.mp4.crdownload", ".crdownload"),
    ("Movie.avi.!ut", ".!ut"), ("Movie.mkv.bc!", ".bc!"), ("Movie.mkv.partial", ".partial"),
    ("Movie.mkv.tmp", ".tmp"), ("Movie.part", ".part"), ("Movie.!qB", ".!qB"),
])
def test_incomplete_videos_are_reported_as_not_complete_yet(fs, name, suffix):
    [candidate] = discover(make(fs, dl() / "Movie", {name: 300 * MB}))

    assert candidate.kind is Kind.VIDEO
    assert candidate.size == 300 * MB
    assert candidate.skip_reason == (
        f"the download is not complete yet ({suffix} file); "
        "it will be imported when the client finishes it")
    assert candidate.skip_code is Code.INCOMPLETE and not candidate.skip.permanent


@pytest.mark.parametrize("name", ["Movie.nfo.!qB", "poster.jpg.part", "Movie.tmp", "x.crdownload",
                                  "Movie.en.srt.!qB"])
def test_incomplete_files_of_no_interest_are_left_out(fs, name):
    release = make(fs, dl() / "Movie", {"Movie.mkv": 700 * MB, name: 10})
    assert names(discover(release)) == ["Movie.mkv"]


def test_an_unfinished_sample_is_reported_as_a_sample(fs):
    [candidate] = discover(make(fs, dl() / "M", {"Sample/movie-sample.mkv.!qB": 5 * MB}))
    assert candidate.skip_reason == "looks like a sample: its name says sample"


def test_an_empty_video_is_skipped(fs):
    [candidate] = discover(make(fs, dl() / "M", {"Movie.mkv": 0}))
    assert candidate.skip_reason == "the file is empty (0 bytes)"
    assert candidate.skip_code is Code.EMPTY


@pytest.mark.parametrize("path", ["VIDEO_TS/VTS_01_1.VOB", "BDMV/STREAM/00001.m2ts"])
def test_files_of_a_disc_structure_are_skipped(fs, path):
    [candidate] = discover(make(fs, dl() / "Movie.DVD", {path: 1_000 * MB}))
    assert candidate.skip_reason.startswith(f"part of a disc folder ({path.split('/')[0]})")
    assert candidate.skip_code is Code.DISC


# --- archives ------------------------------------------------------------------------------


def rar_reason(first: str, tool: str = "unrar") -> str:
    return (f"the release holds only archives ({first}); extract it first "
            f"(for example with {tool} or your client's extractor), then import again")


def test_archive_only_release_gives_one_candidate_for_the_first_part(fs):
    release = make(fs, dl() / "Movie.2010", {
        "movie.r00": 50 * MB, "movie.r01": 50 * MB, "movie.rar": 49 * MB, "movie.nfo": 100,
        "movie.sfv": 100,
    })

    [candidate] = discover(release)

    assert candidate.path == release / "movie.rar"
    assert candidate.kind is Kind.VIDEO
    assert candidate.size == 49 * MB
    assert candidate.skip_reason == rar_reason("movie.rar")
    assert candidate.skip_code is Code.ARCHIVES_ONLY


@pytest.mark.parametrize("files, first, tool", [
    (["m.part02.rar", "m.part01.rar", "m.part10.rar"], "m.part01.rar", "unrar"),
    (["m.part2.rar", "m.part1.rar"], "m.part1.rar", "unrar"),
    (["m.7z.002", "m.7z.001"], "m.7z.001", "7z"),
    (["m.zip"], "m.zip", "unzip"),
    (["m.7z"], "m.7z", "7z"),
    (["m.r01", "m.r00"], "m.r00", "7z"),
])
def test_the_first_archive_part_is_found(fs, files, first, tool):
    release = make(fs, dl() / "M", dict.fromkeys(files, 10 * MB))
    assert reasons(discover(release)) == {first: rar_reason(first, tool)}


def test_archives_with_only_a_sample_beside_them_still_get_the_hint(fs):
    release = make(fs, dl() / "M", {"m.rar": 50 * MB, "m.r00": 50 * MB,
                                  "Sample/m-sample.mkv": 20 * MB})
    assert reasons(discover(release)) == {
        "Sample/m-sample.mkv": "looks like a sample: its name says sample",
        "m.rar": rar_reason("m.rar"),
    }


def test_archives_of_samples_and_extras_are_of_no_interest(fs):
    release = make(fs, dl() / "M", {"Sample/m-sample.mkv": 20 * MB, "Extras/extras.rar": 50 * MB,
                                    "Sample/sample.zip": 20 * MB})
    assert names(discover(release)) == ["Sample/m-sample.mkv"]


def test_archives_beside_a_video_are_of_no_interest(fs):
    release = make(fs, dl() / "M", {"Movie.mkv": 700 * MB, "Subs.rar": 1 * MB})
    assert names(discover(release)) == ["Movie.mkv"]


def test_archives_beside_an_unfinished_video_are_of_no_interest(fs):
    release = make(fs, dl() / "M", {"Movie.mkv.!qB": 700 * MB, "Subs.zip": 1 * MB})
    assert names(discover(release)) == ["Movie.mkv.!qB"]


# --- unreadable ----------------------------------------------------------------------------


def test_an_unreadable_folder_is_reported_not_silently_left_out(fs):
    release = make(fs, dl() / "Show", {"S01/Show.S01E01.mkv": 300 * MB,
                                     "S02/Show.S02E01.mkv": 300 * MB})
    os.chmod(release / "S02", 0o311)  # not readable; pyfakefs needs the x bits to see a folder
    helpers.set_uid(1000)
    try:
        found = discover(release)
    finally:
        helpers.reset_ids()

    assert names(found) == ["S01/Show.S01E01.mkv", "S02"]
    assert found[1].skip_reason.startswith("cannot list this folder: permission denied")
    assert found[1].skip_code is Code.UNREADABLE


# --- downloads folder ----------------------------------------------------------------------


def test_each_top_level_entry_is_its_own_release(fs):
    make(fs, dl(), {
        "Movie.2010/Movie.2010.mkv": 700 * MB,
        "Movie.2010/Sample/sample.mkv": 10 * MB,
        "Show.S01E01.mkv": 300 * MB,
        "Show.S01/Show.S01E02.mkv": 300 * MB,
        "Show.S01/Show.S01E03.mkv": 300 * MB,
        ".incomplete/Other.mkv": 300 * MB,
        "notes.txt": 10,
    })
    fs.create_file("/elsewhere/Linked.mkv", st_size=300 * MB)
    fs.create_symlink(dl() / "linked", "/elsewhere")

    found = discover_releases(dl())

    assert [(c.release.name, c.path.name) for c in found] == [
        ("Movie.2010", "Movie.2010.mkv"),
        ("Movie.2010", "sample.mkv"),
        ("Show.S01", "Show.S01E02.mkv"),
        ("Show.S01", "Show.S01E03.mkv"),
        ("Show.S01E01.mkv", "Show.S01E01.mkv"),
    ]


def test_size_samples_are_judged_per_release(fs):
    # A small episode next to a big movie in the downloads folder is not a sample.
    make(fs, dl(), {"Movie/Movie.mkv": 7_000 * MB, "Show.S01E01.mkv": 200 * MB})
    assert [c.skip_reason for c in discover_releases(dl())] == [None, None]


def test_missing_downloads_folder_is_a_usage_error(fs):
    with pytest.raises(UsageError, match="no such folder"):
        discover_releases(dl() / "missing")


# --- iter_releases: a release at a time ------------------------------------------------------


def test_iter_releases_yields_one_list_per_release_in_name_order(fs):
    make(fs, dl(), {
        "b.Show.S01/Show.S01E02.mkv": 300 * MB,
        "b.Show.S01/Show.S01E01.mkv": 300 * MB,
        "A.Movie.2010/A.Movie.2010.mkv": 700 * MB,
        "A.Movie.2010/A.Movie.2010.en.srt": 50_000,
        "c.Episode.S01E01.mkv": 300 * MB,
    })

    releases = list(iter_releases(dl()))

    assert [[(c.release.name, c.path.name) for c in release] for release in releases] == [
        [("A.Movie.2010", "A.Movie.2010.en.srt"), ("A.Movie.2010", "A.Movie.2010.mkv")],
        [("b.Show.S01", "Show.S01E01.mkv"), ("b.Show.S01", "Show.S01E02.mkv")],
        [("c.Episode.S01E01.mkv", "c.Episode.S01E01.mkv")],
    ]
    assert discover_releases(dl()) == [c for release in releases for c in release]


def test_iter_releases_leaves_out_the_releases_in_skip(fs):
    make(fs, dl(), {"A/a.mkv": 700 * MB, "B/b.mkv": 700 * MB, "c.mkv": 300 * MB})

    releases = list(iter_releases(dl(), skip={dl() / "A", dl() / "c.mkv"}))

    assert [[c.path.name for c in release] for release in releases] == [["b.mkv"]]


def test_iter_releases_yields_nothing_for_a_release_with_nothing_of_interest(fs):
    fs.create_dir(dl() / "Empty")
    make(fs, dl(), {"Junk/readme.txt": 10, "Junk/poster.jpg": 1000, "notes.txt": 10, "Movie/Movie.mkv": 700 * MB})

    releases = list(iter_releases(dl()))

    assert [[c.path.name for c in release] for release in releases] == [["Movie.mkv"]]


def test_iter_releases_of_an_empty_downloads_folder_yields_nothing(fs):
    fs.create_dir(dl())
    assert list(iter_releases(dl())) == []


def test_iter_releases_of_an_unlistable_downloads_folder_yields_one_candidate_saying_why(fs):
    make(fs, dl(), {"Movie/Movie.mkv": 700 * MB})
    os.chmod(dl(), 0o311)  # not readable
    helpers.set_uid(1000)
    try:
        releases = list(iter_releases(dl()))
    finally:
        helpers.reset_ids()

    [[candidate]] = releases
    assert (candidate.path, candidate.release, candidate.size, candidate.kind) == (dl(), dl(), 0, Kind.VIDEO)
    assert candidate.skip_reason.startswith("cannot list this folder: permission denied")


def test_iter_releases_walks_a_release_only_when_the_next_one_is_asked_for(fs, monkeypatch):
    make(fs, dl(), {"A/a.mkv": 700 * MB, "B/b.mkv": 700 * MB, "C/c.mkv": 700 * MB})
    walked: list[str] = []
    real = discover_module.discover

    def recording(path, **kwargs) -> list[Candidate]:
        walked.append(path.name)
        return real(path, **kwargs)

    monkeypatch.setattr(discover_module, "discover", recording)
    releases = iter_releases(dl())

    assert walked == []
    assert [c.path.name for c in next(releases)] == ["a.mkv"]
    assert walked == ["A"]
    assert [c.path.name for c in next(releases)] == ["b.mkv"]
    assert walked == ["A", "B"]


def test_iter_releases_of_a_missing_downloads_folder_is_a_usage_error(fs):
    with pytest.raises(UsageError, match="no such folder"):
        list(iter_releases(dl() / "missing"))


# --- format_size ---------------------------------------------------------------------------


@pytest.mark.parametrize("n, text", [
    (0, "0 bytes"), (1, "1 byte"), (999, "999 bytes"), (1000, "1.0 kB"), (12_345, "12 kB"),
    (999_499, "999 kB"), (999_999, "1.0 MB"), (12 * MB, "12 MB"), (700 * MB, "700 MB"),
    (1_400 * MB, "1.4 GB"), (9_960 * MB, "10 GB"), (3 * 10**12, "3.0 TB"),
])
def test_format_size(n, text):
    assert format_size(n) == text
