"""End to end: extras and .nfo files follow their movie when the config asks for them."""

from __future__ import annotations

from conftest import INCEPTION, KIB, MOVIE_RELEASE, write_file, write_text


def _movie_with_extras(ws):
    release = ws.downloads / MOVIE_RELEASE
    write_file(release / f"{MOVIE_RELEASE}.mkv", 96 * KIB)
    write_file(release / "Featurettes" / "Making Of.mkv", 40 * KIB)
    write_text(release / f"{MOVIE_RELEASE}.nfo", "<movie><title>Inception</title></movie>\n")
    return release


def _add_import_setting(ws, line: str) -> None:
    text = ws.config.read_text().replace("[import]\n", f"[import]\n{line}\n", 1)
    ws.config.write_text(text)


def test_extras_are_skipped_with_a_reason_by_default(workspace):
    ws = workspace
    _movie_with_extras(ws)

    document = ws.json("scan")

    extra = next(f for f in document["files"] if f["source"].endswith("Making Of.mkv"))
    assert (extra["status"], extra["kind"]) == ("skipped", "extra")
    assert "extra" in extra["reason"]
    assert ws.movie_files() == {INCEPTION}


def test_extras_go_into_the_movie_s_extras_folder_when_the_config_asks(workspace):
    ws = workspace
    _movie_with_extras(ws)
    _add_import_setting(ws, 'extras = "import"')

    document = ws.json("scan")

    extra = next(f for f in document["files"] if f["source"].endswith("Making Of.mkv"))
    assert extra["status"] == "imported"
    assert extra["destination"].endswith("Inception (2010)/Featurettes/Making Of.mkv")
    assert (ws.movies / "Inception (2010)" / "Featurettes" / "Making Of.mkv").is_file()
    # An extra is not the movie: the movie keeps one media_files row, its own.
    assert ws.count("media_files") == 1


def test_the_nfo_is_carried_beside_the_video_when_the_config_asks(workspace):
    ws = workspace
    release = _movie_with_extras(ws)
    _add_import_setting(ws, "nfo = true")

    ws.json("scan")

    nfo = ws.movies / "Inception (2010)" / "Inception (2010).nfo"
    assert nfo.read_text() == (release / f"{MOVIE_RELEASE}.nfo").read_text()


def test_no_nfo_is_carried_by_default(workspace):
    ws = workspace
    _movie_with_extras(ws)

    ws.json("scan")

    assert not (ws.movies / "Inception (2010)" / "Inception (2010).nfo").exists()
