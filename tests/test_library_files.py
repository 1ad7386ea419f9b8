"""Library roots and media_files: recording movie, episode and multi-episode files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mydia_import.errors import LibraryError
from mydia_import.library import Library
from mydia_import.models import Match, MediaType, Release

MOVIE_PATH = "Inception (2010)/Inception (2010).mkv"
EPISODE_PATH = "Breaking Bad (2008)/Season 01/Breaking Bad (2008) - S01E01-E02.mkv"
RELEASE = Release(name="Inception.2010.1080p.BluRay.x264.DTS-GRP", type="movie",
                  title="Inception", year=2010, release_group="GRP", resolution="1080p",
                  video_codec="H.264", audio_codec="DTS", hdr_format="HDR10")


@pytest.fixture
def lib() -> Library:
    lib = Library.memory()
    lib.add_movie("Inception", 2010)
    lib.add_show("Breaking Bad", 2008, seasons={1: 3})
    return lib


def _movie(lib: Library) -> Match:
    return Match(lib.find_items("inception", MediaType.MOVIE)[0])


def _episodes(lib: Library, *numbers: int) -> Match:
    show = lib.find_items("breakingbad", MediaType.TV_SHOW)[0]
    return Match(show, tuple(lib.find_episodes(show.id, 1, numbers)))


def _row(lib: Library, file_id: str) -> dict:
    row = lib.db.row("SELECT * FROM media_files WHERE id = ?", [file_id])
    assert row is not None
    return row


def test_ensure_root_creates_one_row_and_reuses_it(lib, tmp_path):
    first = lib.ensure_root(tmp_path / "movies", "movies")
    again = lib.ensure_root(f"{tmp_path}/movies/", "movies")
    assert again == first
    assert first.path == tmp_path / "movies" and first.type == "movies"
    assert lib.roots() == [first]


def test_ensure_root_refuses_a_folder_already_holding_another_type(lib, tmp_path):
    lib.ensure_root(tmp_path / "media", "movies")
    with pytest.raises(LibraryError, match=f"{tmp_path / 'media'} is already a movies library"):
        lib.ensure_root(tmp_path / "media", "series")


def test_a_mixed_root_serves_movies_and_series(lib, tmp_path):
    mixed = lib.ensure_root(tmp_path / "media", "mixed")
    assert lib.ensure_root(tmp_path / "media", "series") == mixed


def test_root_for_finds_the_innermost_root_holding_a_path(lib, tmp_path):
    media = lib.ensure_root(tmp_path / "media", "mixed")
    tv = lib.ensure_root(tmp_path / "media" / "tv", "series")
    assert lib.root_for(tmp_path / "media" / "tv" / "Show" / "x.mkv") == tv
    assert lib.root_for(tmp_path / "media" / "movie.mkv") == media
    assert lib.root_for(tmp_path / "media-other" / "x.mkv") is None


def test_recording_a_movie_file_links_it_to_the_movie(lib, tmp_path):
    root = lib.ensure_root(tmp_path / "movies", "movies")
    match = _movie(lib)
    file_id = lib.record_file(root, MOVIE_PATH, size=1234, match=match, release=RELEASE,
                              metadata={"source": "/dl/Inception.mkv", "mode": "hardlink"})
    row = _row(lib, file_id)
    assert (row["media_item_id"], row["episode_id"]) == (match.item.id, None)
    assert row["library_path_id"] == root.id and row["relative_path"] == MOVIE_PATH
    assert row["path"] == str(tmp_path / "movies" / MOVIE_PATH)
    assert (row["size"], row["resolution"], row["codec"], row["audio_codec"],
            row["hdr_format"]) == (1234, "1080p", "x264", "DTS", "HDR10")
    assert row["verified_at"].endswith("Z")
    assert json.loads(row["metadata"]) == {"source": "/dl/Inception.mkv", "mode": "hardlink"}
    stored = lib.file_at(root, MOVIE_PATH)
    assert stored is not None and stored.id == file_id
    assert stored.path == tmp_path / "movies" / MOVIE_PATH
    assert (stored.media_item_id, stored.episode_ids, stored.size) == (match.item.id, (), 1234)


def test_recording_an_episode_links_the_episode_only(lib, tmp_path):
    root = lib.ensure_root(tmp_path / "tv", "series")
    match = _episodes(lib, 1)
    file_id = lib.record_file(root, "Breaking Bad (2008)/Season 01/x.mkv", size=10,
                              match=match, release=None, metadata={})
    row = _row(lib, file_id)
    assert (row["media_item_id"], row["episode_id"]) == (None, match.episodes[0].id)
    stored = lib.file_at(root, "Breaking Bad (2008)/Season 01/x.mkv")
    assert stored.media_item_id == match.item.id  # reached through the episode
    assert stored.episode_ids == (match.episodes[0].id,)


def test_a_multi_episode_file_records_every_episode_in_order(lib, tmp_path):
    root = lib.ensure_root(tmp_path / "tv", "series")
    match = _episodes(lib, 2, 3)
    file_id = lib.record_file(root, EPISODE_PATH, size=10, match=match, release=None,
                              metadata={"release": "Breaking.Bad.S01E02E03"})
    row = _row(lib, file_id)
    assert row["episode_id"] == match.episodes[0].id
    linked = lib.db.rows("SELECT episode_id, position FROM import_file_episodes "
                         "WHERE media_file_id = ? ORDER BY position", [file_id])
    assert [r["episode_id"] for r in linked] == [e.id for e in match.episodes]
    metadata = json.loads(row["metadata"])
    assert metadata["release"] == "Breaking.Bad.S01E02E03"
    assert [(e["season"], e["episode"]) for e in metadata["import_episodes"]] == [(1, 2), (1, 3)]
    assert lib.file_at(root, EPISODE_PATH).episode_ids == tuple(e.id for e in match.episodes)


def test_recording_the_same_place_again_updates_the_one_row(lib, tmp_path):
    root = lib.ensure_root(tmp_path / "tv", "series")
    first = lib.record_file(root, EPISODE_PATH, size=10, match=_episodes(lib, 1, 2),
                            release=None, metadata={"try": 1})
    again = lib.record_file(root, EPISODE_PATH, size=20, match=_episodes(lib, 3),
                            release=RELEASE, metadata={"try": 2})
    assert again == first
    assert lib.db.value("SELECT count(*) FROM media_files") == 1
    stored = lib.file_at(root, EPISODE_PATH)
    assert (stored.size, stored.metadata["try"], stored.resolution) == (20, 2, "1080p")
    assert stored.episode_ids == (_episodes(lib, 3).episodes[0].id,)


def test_a_movie_may_not_go_into_a_series_root(lib, tmp_path):
    root = lib.ensure_root(tmp_path / "tv", "series")
    with pytest.raises(LibraryError, match="movie \"Inception \\(2010\\)\" into .*TV series only"):
        lib.record_file(root, MOVIE_PATH, size=1, match=_movie(lib), release=None, metadata={})
    assert lib.db.value("SELECT count(*) FROM media_files") == 0


def test_an_episode_may_not_go_into_a_movies_root(lib, tmp_path):
    root = lib.ensure_root(tmp_path / "movies", "movies")
    with pytest.raises(LibraryError, match="Breaking Bad \\(2008\\) S01E01\" into .*movies only"):
        lib.record_file(root, EPISODE_PATH, size=1, match=_episodes(lib, 1), release=None,
                        metadata={})


def test_a_mixed_root_accepts_movies_and_episodes(lib, tmp_path):
    root = lib.ensure_root(tmp_path / "media", "mixed")
    lib.record_file(root, MOVIE_PATH, size=1, match=_movie(lib), release=None, metadata={})
    lib.record_file(root, EPISODE_PATH, size=1, match=_episodes(lib, 1), release=None,
                    metadata={})
    assert lib.db.value("SELECT count(*) FROM media_files") == 2


def test_a_show_file_without_episodes_is_refused(lib, tmp_path):
    root = lib.ensure_root(tmp_path / "tv", "series")
    show = lib.find_items("breakingbad")[0]
    with pytest.raises(LibraryError, match="no episode of Breaking Bad"):
        lib.record_file(root, EPISODE_PATH, size=1, match=Match(show), release=None, metadata={})


def test_a_path_leaving_the_root_is_refused(lib, tmp_path):
    root = lib.ensure_root(tmp_path / "movies", "movies")
    for bad in ("../x.mkv", "/etc/x.mkv"):
        with pytest.raises(LibraryError, match="not a path inside a library root"):
            lib.record_file(root, bad, size=1, match=_movie(lib), release=None, metadata={})


def test_list_counts_movie_files_and_show_files_through_episodes(lib, tmp_path):
    media = lib.ensure_root(tmp_path / "media", "mixed")
    lib.record_file(media, MOVIE_PATH, size=1, match=_movie(lib), release=None, metadata={})
    lib.record_file(media, EPISODE_PATH, size=1, match=_episodes(lib, 1, 2), release=None,
                    metadata={})
    lib.record_file(media, "bb/x3.mkv", size=1, match=_episodes(lib, 3), release=None,
                    metadata={})
    counts = {i.ref.title: (i.episodes, i.files) for i in lib.list_items()}
    assert counts == {"Inception": (0, 1), "Breaking Bad": (3, 2)}


def test_deleting_a_file_removes_its_row_and_episode_links(lib, tmp_path):
    root = lib.ensure_root(tmp_path / "tv", "series")
    file_id = lib.record_file(root, EPISODE_PATH, size=1, match=_episodes(lib, 1, 2),
                              release=None, metadata={})
    assert lib.delete_file(file_id)
    assert lib.file_at(root, EPISODE_PATH) is None
    assert lib.db.value("SELECT count(*) FROM import_file_episodes") == 0
    assert not lib.delete_file(file_id)


def test_a_file_is_found_by_root_and_relative_path_after_the_root_moved(lib, tmp_path):
    root = lib.ensure_root(tmp_path / "old", "movies")
    file_id = lib.record_file(root, MOVIE_PATH, size=1, match=_movie(lib), release=None,
                              metadata={})
    # Mydia moves a root by changing library_paths.path; the legacy column stays.
    lib.db.execute("UPDATE library_paths SET path = ?", [str(tmp_path / "new")])
    [moved] = lib.roots()
    stored = lib.file_at(moved, MOVIE_PATH)
    assert stored.id == file_id and stored.path == tmp_path / "new" / MOVIE_PATH
    assert lib.record_file(moved, MOVIE_PATH, size=2, match=_movie(lib), release=None,
                           metadata={}) == file_id
    assert _row(lib, file_id)["path"] == str(tmp_path / "new" / MOVIE_PATH)


def test_a_row_mydia_wrote_without_a_root_is_adopted(lib, tmp_path):
    root = lib.ensure_root(tmp_path / "movies", "movies")
    lib.db.execute(
        "INSERT INTO media_files (id, media_item_id, path, inserted_at, updated_at) "
        "VALUES ('old', ?, ?, 'x', 'x')",
        [_movie(lib).item.id, str(tmp_path / "movies" / MOVIE_PATH)],
    )
    file_id = lib.record_file(root, MOVIE_PATH, size=1, match=_movie(lib), release=None,
                              metadata={})
    assert file_id == "old"
    assert _row(lib, "old")["library_path_id"] == root.id


def test_one_file_cannot_belong_to_two_roots(lib, tmp_path):
    media = lib.ensure_root(tmp_path / "media", "mixed")
    movies = lib.ensure_root(tmp_path / "media" / "movies", "movies")
    lib.record_file(media, f"movies/{MOVIE_PATH}", size=1, match=_movie(lib), release=None,
                    metadata={})
    with pytest.raises(LibraryError, match="already recorded under the library root"):
        lib.record_file(movies, MOVIE_PATH, size=1, match=_movie(lib), release=None,
                        metadata={})


def test_many_files_recorded_in_one_transaction_commit_together(lib, tmp_path):
    root = lib.ensure_root(tmp_path / "tv", "series")
    with pytest.raises(LibraryError), lib.transaction():
        lib.record_file(root, "a.mkv", size=1, match=_episodes(lib, 1), release=None,
                        metadata={})
        lib.record_file(root, "b.mkv", size=1, match=_movie(lib), release=None, metadata={})
    assert lib.file_at(root, Path("a.mkv")) is None
