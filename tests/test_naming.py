from __future__ import annotations

import datetime as dt
import unicodedata
from pathlib import Path, PurePosixPath

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mydia_import.errors import ConfigError
from mydia_import.plan.naming import (
    DEFAULT_EPISODE_TEMPLATE,
    DEFAULT_MOVIE_TEMPLATE,
    EPISODE_FIELDS,
    MOVIE_FIELDS,
    SUFFIX_MARGIN,
    episode_code,
    render,
    sanitize_component,
    subtitle_path,
    validate_template,
)


def movie(**values) -> dict[str, object]:
    return dict.fromkeys(MOVIE_FIELDS) | values


def episode(season: int = 1, episodes: tuple[int, ...] = (2,), **values) -> dict[str, object]:
    base = dict.fromkeys(EPISODE_FIELDS) | {"season": season, "episode": episodes[0],
                                            "episode_code": episode_code(season, episodes)}
    return base | values


# --- the default layout (cli-contract.md, "Default library layout") ---------------------------


@pytest.mark.parametrize("values, expected", [
    (movie(title="Inception", year=2010), "Inception (2010)/Inception (2010)"),
    (movie(title="Inception", year=2010, part=2), "Inception (2010)/Inception (2010) - part2"),
    (movie(title="Inception"), "Inception/Inception"),
    (movie(title="Inception", part=1), "Inception/Inception - part1"),
    (movie(title="Star Wars: Episode IV", year=1977),
     "Star Wars - Episode IV (1977)/Star Wars - Episode IV (1977)"),
])
def test_default_movie_layout(values, expected):
    assert render(DEFAULT_MOVIE_TEMPLATE, values) == PurePosixPath(expected)


@pytest.mark.parametrize("values, expected", [
    (episode(show="Breaking Bad", show_year=2008, episode_title="Cat's in the Bag..."),
     "Breaking Bad (2008)/Season 01/Breaking Bad (2008) - S01E02 - Cat's in the Bag..."),
    (episode(season=0, episodes=(3,), show="Breaking Bad", show_year=2008, episode_title="Extra"),
     "Breaking Bad (2008)/Season 00/Breaking Bad (2008) - S00E03 - Extra"),
    (episode(episodes=(1, 2, 3), show="Lost", show_year=2004, episode_title="Pilot"),
     "Lost (2004)/Season 01/Lost (2004) - S01E01-E03 - Pilot"),
    (episode(show="Lost", episode_title="Pilot"), "Lost/Season 01/Lost - S01E02 - Pilot"),
    (episode(show="Lost", show_year=2004), "Lost (2004)/Season 01/Lost (2004) - S01E02"),
    (episode(season=12, episodes=(101,), show="Lost"), "Lost/Season 12/Lost - S12E101"),
])
def test_default_episode_layout(values, expected):
    assert render(DEFAULT_EPISODE_TEMPLATE, values) == PurePosixPath(expected)


def test_default_templates_are_valid_for_their_fields():
    validate_template(DEFAULT_MOVIE_TEMPLATE, MOVIE_FIELDS)
    validate_template(DEFAULT_EPISODE_TEMPLATE, EPISODE_FIELDS)


def test_movie_template_is_not_valid_for_episode_fields():
    with pytest.raises(ConfigError, match=r"unknown field \{title\}"):
        validate_template(DEFAULT_MOVIE_TEMPLATE, EPISODE_FIELDS)


# --- the template language ---------------------------------------------------------------------


@pytest.mark.parametrize("template, values, expected", [
    ("{title}< ({year})>", {"title": "A", "year": 2000}, "A (2000)"),
    ("{title}< ({year})>", {"title": "A", "year": None}, "A"),
    ("{title}< ({year})>", {"title": "A", "year": ""}, "A"),
    ("{title}< ({year})>", {"title": "A", "year": "  "}, "A"),
    ("{title}< [{a} {b}]>", {"title": "A", "a": "x", "b": None}, "A"),
    ("{title}< [{a} {b}]>", {"title": "A", "a": "x", "b": "y"}, "A [x y]"),
    ("{title}< - part{part}>", {"title": "A", "part": 0}, "A - part0"),
    ("{title}< always>", {"title": "A"}, "A always"),
    ("{title} ({year})", {"title": "A", "year": None}, "A ()"),
    ("{title}<< ({year})>>", {"title": "A", "year": None}, "A ()"),
    ("{{{title}}}", {"title": "A"}, "{A}"),
    ("{title}{title}", {"title": "A"}, "AA"),
])
def test_rendering(template, values, expected):
    assert render(template, values) == PurePosixPath(expected)


@pytest.mark.parametrize("template, values, expected", [
    ("Season {season:02}", {"season": 1}, "Season 01"),
    ("Season {season:02}", {"season": 0}, "Season 00"),
    ("Season {season}", {"season": 3}, "Season 3"),
    ("{absolute:03}", {"absolute": 7}, "007"),
    ("{air_date:%Y.%m.%d}", {"air_date": dt.date(2008, 1, 20)}, "2008.01.20"),
    ("{air_date}", {"air_date": dt.date(2008, 1, 20)}, "2008-01-20"),
    ("{title:.3}", {"title": "Inception"}, "Inc"),
])
def test_format_specs(template, values, expected):
    assert render(template, values) == PurePosixPath(expected)


def test_values_are_text_not_template():
    assert render("{title}", {"title": "{year} <x> {{"}) == PurePosixPath("{year} x {{")


def test_unknown_field_names_the_template_the_field_and_the_choices():
    with pytest.raises(ConfigError) as error:
        validate_template("{titel} ({year})", MOVIE_FIELDS)
    assert str(error.value) == (
        'naming template "{titel} ({year})": unknown field {titel}; available: title, year, '
        "part, edition, resolution, source, release_group, imdb_id, tmdb_id")


def test_render_refuses_a_field_it_has_no_value_for():
    with pytest.raises(ConfigError, match=r'"\{show\}/\{nope\}": unknown field \{nope\}'):
        render("{show}/{nope}", {"show": "Lost"})


@pytest.mark.parametrize("template, problem", [
    ("{title", "unclosed {"),
    ("title}", "single }"),
    ("{}", "{} is not a field"),
    ("{ti tle}", "{ti tle} is not a field"),
    ("{title!r}", "{title!r} is not a field"),
    ("{title}< ({year})", "unclosed <"),
    ("{title} ({year})>", "closes nothing"),
    ("<a<{year}>>", "cannot nest"),
    ("{title}<{year}/x>", "cannot contain /"),
    ("/{title}", "empty path component"),
    ("{title}/", "empty path component"),
    ("{title}//{title}", "empty path component"),
    ("", "empty path component"),
    ("{season:q}", "cannot format 1"),
    ("{title:d}", "cannot format 'Title'"),
])
def test_malformed_templates_are_config_errors(template, problem):
    with pytest.raises(ConfigError) as error:
        validate_template(template, MOVIE_FIELDS + EPISODE_FIELDS)
    assert str(error.value).startswith(f'naming template "{template}": ')
    assert problem in str(error.value)


def test_a_bad_format_spec_at_render_time_is_a_config_error():
    with pytest.raises(ConfigError, match="cannot format"):
        render("{x:d}", {"x": "text"})


# --- safety of rendered paths ------------------------------------------------------------------


@pytest.mark.parametrize("title", [
    "../../etc", "..", ".", "", "/", "/etc/passwd", "a/../../b", "\\..\\..\\windows", "\x00",
    "\n", "C:\\Windows", "~root",
])
def test_a_hostile_title_stays_inside_the_root(title):
    path = render(DEFAULT_MOVIE_TEMPLATE, movie(title=title, year=2010))

    assert not path.is_absolute()
    assert len(path.parts) == 2
    assert all(p not in ("", ".", "..") and "/" not in p and "\x00" not in p for p in path.parts)
    assert Path("/library", path).resolve().is_relative_to("/library")


def test_a_trailing_dot_is_kept_in_the_file_name_but_not_in_a_folder():
    path = render("{title}/{title}", {"title": "Dr. Strangelove..."})
    assert path == PurePosixPath("Dr. Strangelove/Dr. Strangelove...")


def test_reserve_leaves_room_in_the_last_component_only():
    title = "Ω" * 200  # 400 bytes
    path = render("{title}/{title}", {"title": title}, reserve=4 + SUFFIX_MARGIN)

    folder, name = path.parts
    assert len(folder.encode()) <= 255
    assert len(folder.encode()) > 255 - 4  # a folder uses the whole allowance
    assert len(name.encode()) <= 255 - 4 - SUFFIX_MARGIN
    assert name.endswith("…")


@pytest.mark.parametrize("reserve", [-1, 240, 1000])
def test_reserve_must_leave_room(reserve):
    with pytest.raises(ValueError, match="reserve"):
        render("{title}", {"title": "A"}, reserve=reserve)


# --- sanitize_component ------------------------------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("Inception", "Inception"),
    ("AC/DC: Live", "AC+DC - Live"),
    ("Star Wars: Episode IV", "Star Wars - Episode IV"),
    ("10:30", "10-30"),
    ("Re:Zero", "Re-Zero"),
    ("Title:", "Title-"),
    ("a\\b", "a+b"),
    ('Say "Hi" <Now> |x|', "Say Hi Now x"),
    ("What If?", "What If!"),
    ("M*A*S*H", "M-A-S-H"),
    ("../../etc", "+..+etc"),
    ("..", "_"),
    (".", "_"),
    ("", "_"),
    ("   ", "_"),
    ("...", "_"),
    ("<>|", "_"),
    (".hidden", "hidden"),
    (" . padded . ", "padded"),
    ("a\x00b", "ab"),
    ("\x00", "_"),
    ("line\nbreak", "line break"),
    ("tab\there", "tab here"),
    ("cr\r\nlf", "cr lf"),
    ("del\x7fete", "delete"),
    ("bell\x07", "bell"),
    ("c1\x85control", "c1 control"),
    ("many    spaces", "many spaces"),
    ("-leading dash", "-leading dash"),
    ("e\u0301cole", "\u00e9cole"),
    ("e\x00\u0301cole", "\u00e9cole"),
    ("e<\u0301>cole", "\u00e9cole"),
    ("Am\u00e9lie", "Am\u00e9lie"),
    ("CON", "CON_"),
    ("con", "con_"),
    ("nul.txt", "nul_.txt"),
    ("Aux.Movie.2010", "Aux_.Movie.2010"),
    ("COM1", "COM1_"),
    ("lpt9.x", "lpt9_.x"),
    ("COM10", "COM10"),
    ("CONSOLE", "CONSOLE"),
    ("Con Air", "Con Air"),
    ("PRN: The Movie", "PRN - The Movie"),
])
def test_sanitize_component(text, expected):
    assert sanitize_component(text) == expected


@pytest.mark.parametrize("text", [
    "é" * 300,            # 2 bytes each
    "a" + "€" * 150,      # 3 bytes each, shifted by one
    "🎬" * 100,           # 4 bytes each
    "a" + "q\u0307" * 150,  # a letter and its accent (no precomposed form), 3 bytes
    "x" * 400,
])
def test_long_names_are_cut_to_255_bytes_on_a_character_boundary(text):
    result = sanitize_component(text)

    assert len(result.encode()) <= 255
    assert len(result.encode()) > 240
    assert result.endswith("…")
    assert text.startswith(result[:-1])
    assert not unicodedata.combining(text[len(result) - 1])  # no accent left behind


def test_a_cut_name_does_not_end_in_a_space_before_the_ellipsis():
    result = sanitize_component("a" * 251 + " " + "b" * 10)
    assert result == "a" * 251 + "…"


def test_max_bytes_is_respected():
    assert len(sanitize_component("é" * 100, max_bytes=100).encode()) <= 100


@given(text=st.text(), max_bytes=st.integers(16, 255), file_stem=st.booleans())
def test_any_text_becomes_one_safe_component(text, max_bytes, file_stem):
    result = sanitize_component(text, max_bytes=max_bytes, file_stem=file_stem)

    assert result not in ("", ".", "..")
    assert len(result.encode("utf-8")) <= max_bytes
    assert not any(c in result for c in '/\\<>|"?*:')
    assert not any(unicodedata.category(c) in ("Cc", "Cs") for c in result)
    assert result == result.strip() and not result.startswith(".")
    assert result == unicodedata.normalize("NFC", result)
    assert sanitize_component(result, max_bytes=max_bytes, file_stem=file_stem) == result


@given(title=st.text(), year=st.none() | st.integers(1900, 2100))
def test_any_title_renders_a_relative_path_of_two_safe_components(title, year):
    path = render(DEFAULT_MOVIE_TEMPLATE, movie(title=title, year=year), reserve=28)

    assert not path.is_absolute()
    assert len(path.parts) == 2
    assert all(p not in (".", "..") for p in path.parts)
    assert len(path.parts[-1].encode()) <= 255 - 28


# --- episode_code ------------------------------------------------------------------------------


@pytest.mark.parametrize("season, episodes, code", [
    (1, [2], "S01E02"),
    (1, [1, 2, 3], "S01E01-E03"),
    (1, [1, 2], "S01E01-E02"),
    (1, [3, 1, 2], "S01E01-E03"),
    (0, [1], "S00E01"),
    (10, [5, 5], "S10E05"),
    (2, [99, 100], "S02E99-E100"),
])
def test_episode_code(season, episodes, code):
    assert episode_code(season, episodes) == code


def test_episode_code_needs_an_episode():
    with pytest.raises(ValueError):
        episode_code(1, [])


# --- subtitle_path -----------------------------------------------------------------------------

VIDEO = Path("/tv/Lost (2004)/Season 01/Lost (2004) - S01E02 - Pilot.mkv")


@pytest.mark.parametrize("language, forced, sdh, ext, index, name", [
    ("en", False, False, ".srt", None, "Lost (2004) - S01E02 - Pilot.en.srt"),
    ("en", True, False, ".srt", None, "Lost (2004) - S01E02 - Pilot.en.forced.srt"),
    ("en", False, True, ".srt", None, "Lost (2004) - S01E02 - Pilot.en.sdh.srt"),
    ("en", True, True, "srt", None, "Lost (2004) - S01E02 - Pilot.en.forced.sdh.srt"),
    ("eng", False, False, ".ass", None, "Lost (2004) - S01E02 - Pilot.eng.ass"),
    ("GER", False, False, ".SRT", None, "Lost (2004) - S01E02 - Pilot.ger.srt"),
    ("pt-BR", False, False, ".srt", None, "Lost (2004) - S01E02 - Pilot.pt-br.srt"),
    ("pt_BR", False, False, ".srt", None, "Lost (2004) - S01E02 - Pilot.pt-br.srt"),
    ("fil", False, False, ".srt", None, "Lost (2004) - S01E02 - Pilot.fil.srt"),
    (None, False, False, ".srt", None, "Lost (2004) - S01E02 - Pilot.srt"),
    (None, True, False, ".srt", None, "Lost (2004) - S01E02 - Pilot.forced.srt"),
    ("en", False, False, ".srt", 2, "Lost (2004) - S01E02 - Pilot.2.en.srt"),
    (None, False, False, ".srt", 3, "Lost (2004) - S01E02 - Pilot.3.srt"),
    ("English", False, False, ".srt", None, "Lost (2004) - S01E02 - Pilot.srt"),
    ("../x", False, False, ".srt", None, "Lost (2004) - S01E02 - Pilot.srt"),
])
def test_subtitle_path(language, forced, sdh, ext, index, name):
    assert subtitle_path(VIDEO, language, forced, sdh, ext, index) == VIDEO.with_name(name)


def test_subtitle_path_keeps_a_trailing_dot_of_the_video_name():
    video = Path("/tv/Breaking Bad (2008) - S01E02 - Cat's in the Bag....mkv")
    assert subtitle_path(video, "en", False, False, ".srt").name == (
        "Breaking Bad (2008) - S01E02 - Cat's in the Bag....en.srt")


def test_subtitle_name_fits_when_the_video_name_was_rendered_with_the_margin():
    stem = render("{title}", {"title": "x" * 400}, reserve=len(".mkv") + SUFFIX_MARGIN)
    video = Path("/m", f"{stem}.mkv")

    subtitle = subtitle_path(video, "pt-br", True, True, ".srt", index=2)

    assert subtitle.name.startswith(video.stem)
    assert len(subtitle.name.encode()) <= 255


def test_subtitle_path_never_exceeds_255_bytes():
    video = Path("/m", "é" * 125 + ".mkv")  # 250 bytes of name, no margin left
    assert len(subtitle_path(video, "en", True, True, ".srt", 2).name.encode()) <= 255


@pytest.mark.parametrize("ext", ["", ".", "../srt", ".s/rt", ".verylongextension"])
def test_subtitle_path_refuses_a_bad_extension(ext):
    with pytest.raises(ValueError, match="extension"):
        subtitle_path(VIDEO, "en", False, False, ext)


def test_subtitle_index_starts_at_one():
    with pytest.raises(ValueError, match="index"):
        subtitle_path(VIDEO, "en", False, False, ".srt", 0)
