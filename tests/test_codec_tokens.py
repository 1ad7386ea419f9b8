"""No reader of names takes a codec or audio tag for a number ("H.264" is not S02E64)."""

from __future__ import annotations

import json
from importlib.resources import files

import pytest

from mydia_import.identify import fast
from mydia_import.identify.patterns import shapes

# guessit's video codecs live in its rules, not its config: their spellings as names carry them.
VIDEO_CODECS = ["H.264", "H264", "x264", "h.264", "H.265", "H265", "x265", "AVC", "HEVC", "XviD", "DivX",
                "MPEG-2", "MPEG2", "VC-1", "VC1", "VP7", "VP8", "VP9", "AV1", "Real", "Rv10", "H.263", "x263"]


def audio_tokens() -> list[str]:
    """Every plain audio codec, profile and channel spelling in guessit's own config."""
    config = json.loads(files("guessit").joinpath("config/options.json").read_text(encoding="utf-8"))
    advanced = config["advanced_config"]["audio_codec"]
    tokens: list[str] = []

    def collect(value) -> None:
        if isinstance(value, str):
            if not value.startswith("re:"):
                tokens.append(value)
        elif isinstance(value, list):
            for v in value:
                collect(v)
        elif isinstance(value, dict):
            if "string" in value:
                collect(value["string"])
            elif "regex" not in value:
                for key, v in value.items():
                    tokens.append(key)
                    collect(v)

    for group in advanced.values():
        collect(group)
        if isinstance(group, dict):
            tokens += list(group)
    # "20" alone is a weak tag to guessit too ("Show 20" is episode 20); it is left out.
    return sorted({t for t in tokens if t and t != "20" and any(c.isdigit() for c in t)} | {"DD5.1", "DDP5.1", "AAC2.0",
                                                                             "DTS-HD.MA.7.1", "TrueHD.7.1"})


def codec_tokens() -> list[str]:
    return VIDEO_CODECS + audio_tokens()


def _numbers(shape) -> tuple:
    return (shape.season, shape.episodes, shape.absolute, shape.air_date, shape.seasons, shape.part)


@pytest.mark.parametrize("token", codec_tokens())
def test_no_pattern_reads_a_codec_token_as_a_number(token):
    for name in (f"Show.Name.{token}-GRP", f"Show Name {token}", f"Show.Name.1080p.WEB-DL.{token}-GRP.mkv"):
        numbered = [s for s in shapes(name) if s.pattern != "movie" and any(_numbers(s))]
        assert numbered == [], name


@pytest.mark.parametrize("token", codec_tokens())
def test_the_fast_path_reads_no_codec_token_as_a_number(token):
    reading = fast.read(f"Show.Name.1080p.WEB-DL.{token}-GRP.mkv")
    assert reading is None or not (reading.release.episodes or reading.release.season is not None)


def test_the_office_folder_with_h264_says_no_episode():
    assert [s for s in shapes("The.Office.US.S02.1080p.WEB-DL.H.264-GRP") if s.episodes] == []
