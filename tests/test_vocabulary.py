"""media_files columns in the words Mydia's own parsers give for the same release name."""

from __future__ import annotations

import pytest

from mydia_import.identify.parse import ReleaseParser
from mydia_import.library import vocabulary


@pytest.mark.parametrize(("name", "codec", "audio", "hdr", "resolution"), [
    ("Movie.2020.2160p.UHD.BluRay.x265.10bit.HDR.TrueHD.7.1.Atmos-GRP", "x265", "Atmos", "HDR", "2160p"),
    ("Movie.2020.1080p.BluRay.x264.DTS-HD.MA.5.1-GRP", "x264", "DTS-HD", None, "1080p"),
    ("Show.S01E01.1080p.WEB-DL.DDP5.1.H.264-NTb", "H.264", "DD+", None, "1080p"),
    ("Show.S01E01.2160p.WEB-DL.DV.HDR10.DDP5.1.Atmos.H.265-GRP", "H.265", "Atmos", "Dolby Vision", "2160p"),
    ("Movie.2019.720p.HDTV.AC3.XviD-GRP", "XviD", "AC3", None, "720p"),
    ("Movie.2019.1080p.WEBRip.AAC2.0.x264-GRP", "x264", "AAC", None, "1080p"),
])
def test_columns_take_mydias_words_for_a_release_name(name, codec, audio, hdr, resolution):
    release = ReleaseParser().parse(name)
    assert vocabulary.columns(release) == {"resolution": resolution, "codec": codec, "audio_codec": audio,
                                           "hdr_format": hdr}


@pytest.mark.parametrize(("tool", "mydia"), [
    ("Remux", "REMUX"), ("BluRay", "BluRay"), ("BluRayRip", "BluRay"), ("WEB-DL", "WEB-DL"), ("WEBRip", "WEBRip"),
    ("HDTV", "HDTV"), ("DVDRip", "DVDRip"), ("TELESYNC", "Telesync"), ("VHS", "VHS"), (None, None),
])
def test_sources_take_the_words_of_mydias_quality_parser(tool, mydia):
    assert vocabulary.source(tool) == mydia
