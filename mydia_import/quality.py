"""Which of two releases of one movie or episode is better (`--conflict upgrade`).

Resolution first, then source, then the PROPER/REPACK revision: the order
Sonarr and Radarr use by default.
"""

from __future__ import annotations

from collections.abc import Mapping

from mydia_import.models import Release

_RESOLUTIONS = {"4320p": 7, "2160p": 6, "1440p": 5, "1080p": 4, "1080i": 4, "720p": 3,
                "576p": 2, "576i": 2, "480p": 1, "480i": 1}
# Best last, so a higher index is a better source.
_SOURCES = ("CAM", "TELESYNC", "VHS", "SDTV", "DVD", "DVDRip", "HDTV", "WEBRip", "WEB-DL",
            "BluRayRip", "BluRay", "Remux")


def rank(resolution: str | None, source: str | None, proper_count: int = 0) -> tuple[int, int, int]:
    source_rank = _SOURCES.index(source) + 1 if source in _SOURCES else 0
    return (_RESOLUTIONS.get(resolution or "", 0), source_rank, proper_count)


def release_rank(release: Release) -> tuple[int, int, int]:
    return rank(release.resolution, release.source, release.proper_count)


def recorded_rank(metadata: Mapping[str, object]) -> tuple[int, int, int] | None:
    """The rank of a file from its media_files.metadata, or None when nothing is known of it."""
    resolution, source = metadata.get("resolution"), metadata.get("quality_source")
    proper = metadata.get("proper_count", 0)
    if not isinstance(resolution, str) and not isinstance(source, str):
        return None
    return rank(resolution if isinstance(resolution, str) else None,
                source if isinstance(source, str) else None,
                proper if isinstance(proper, int) else 0)


def describe(resolution: str | None, source: str | None, proper_count: int = 0) -> str:
    words = [w for w in (source, resolution) if w] + (["PROPER"] if proper_count else [])
    return " ".join(words) or "unknown quality"
