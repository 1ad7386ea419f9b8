"""Ask Plex, Jellyfin or Emby to look at the library folders a run changed.

Each `[[media_servers]]` entry gets one request per run (Jellyfin, Emby: every
folder in one `POST /Library/Media/Updated`) or one per folder (Plex:
`GET /library/sections/{id}/refresh?path=`), with the folders as the server
sees them (its `path_map`). Only the stdlib's urllib: no dependency. A server
that fails is a warning line, never a failed import. Never called in a dry run.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from mydia_import.integrations.pathmap import PathMap
from mydia_import.models import Report, Status

TIMEOUT_SECONDS = 10
KINDS = {"plex": "Plex", "jellyfin": "Jellyfin", "emby": "Emby"}


@dataclass(frozen=True)
class MediaServer:
    kind: str  # plex | jellyfin | emby
    url: str
    token: str | None = None
    section: str | None = None  # Plex library section id; found from the folder when None
    paths: PathMap = PathMap()
    name: str | None = None

    @classmethod
    def from_config(cls, entry: Mapping[str, object]) -> MediaServer:
        token = entry.get("token")
        token_file = entry.get("token_file")
        if token is None and token_file is not None:
            try:
                lines = Path(str(token_file)).read_text(encoding="utf-8").splitlines()
            except OSError as error:
                raise RefreshError(f"cannot read the token_file {token_file} of the "
                                   f"{KINDS[str(entry['kind'])]} server at {entry['url']}: "
                                   f"{error.strerror or error}") from None
            token = lines[0].strip() if lines else None
        return cls(kind=str(entry["kind"]), url=str(entry["url"]).rstrip("/"), token=token or None,
                   section=str(entry["section"]) if entry.get("section") not in (None, "") else None,
                   paths=PathMap.of(entry.get("path_map") or ()), name=entry.get("name") or None)

    def label(self) -> str:
        return self.name or f"{KINDS[self.kind]} at {self.url}"


class RefreshError(Exception):
    """One server could not be told; the message is the warning line."""


def touched_folders(report: Report) -> list[Path]:
    """The library folders that got a file in this run, each once, in order."""
    if report.dry_run:
        return []
    folders = (f.destination.parent for f in report.files
               if f.status is Status.IMPORTED and f.destination is not None)
    return list(dict.fromkeys(folders))


def refresh_all(entries: Sequence[Mapping[str, object]], folders: Sequence[Path],
                opener=urllib.request.urlopen) -> tuple[list[str], list[str]]:
    """Tell every configured server about `folders`; returns (messages, warnings)."""
    messages: list[str] = []
    warnings: list[str] = []
    if not folders:
        return messages, warnings
    for entry in entries:
        try:
            server = MediaServer.from_config(entry)
            paths = list(dict.fromkeys(server.paths.apply(str(folder)) for folder in folders))
            if server.kind == "plex":
                _refresh_plex(server, paths, opener)
            else:
                _refresh_jellyfin(server, paths, opener)
        except RefreshError as error:
            warnings.append(str(error))
            continue
        messages.append(f"asked {server.label()} to refresh {len(paths)} folder(s)")
    return messages, warnings


def _refresh_plex(server: MediaServer, paths: Iterable[str], opener) -> None:
    headers = {"Accept": "application/json"}
    if server.token:
        headers["X-Plex-Token"] = server.token
    sections = None if server.section else _plex_sections(server, headers, opener)
    for path in paths:
        section = server.section or _plex_section_for(path, sections or [])
        if section is None:
            raise RefreshError(f"{server.label()}: no library section holds {path}; set section = \"ID\" "
                               "or a path_map from this machine's paths to Plex's")
        query = urllib.parse.urlencode({"path": path})
        _request(server, f"/library/sections/{urllib.parse.quote(section)}/refresh?{query}", "GET",
                 headers, None, opener)


def _plex_sections(server: MediaServer, headers: dict[str, str], opener) -> list[tuple[str, str]]:
    """(section key, folder) for every folder of every library section."""
    body = _request(server, "/library/sections", "GET", {**headers, "Accept": "application/xml"}, None, opener)
    try:
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError:
        raise RefreshError(f"{server.label()}: /library/sections did not answer with Plex's XML; "
                           "is the url a Plex server?") from None
    return [(directory.get("key", ""), location.get("path", ""))
            for directory in root.iter("Directory") for location in directory.iter("Location")]


def _plex_section_for(path: str, sections: Sequence[tuple[str, str]]) -> str | None:
    """The section whose folder holds `path` (the deepest, where folders nest)."""
    holding = [(key, folder) for key, folder in sections if folder and _under(path, folder)]
    return max(holding, key=lambda kf: len(kf[1]))[0] if holding else None


def _under(path: str, folder: str) -> bool:
    folder = folder.rstrip("/\\")
    return path == folder or path.startswith(folder + "/") or path.startswith(folder + "\\")


def _refresh_jellyfin(server: MediaServer, paths: Sequence[str], opener) -> None:
    headers = {"Content-Type": "application/json"}
    if server.token:
        if server.kind == "jellyfin":
            headers["Authorization"] = f'MediaBrowser Token="{server.token}"'
        headers["X-Emby-Token"] = server.token
    body = json.dumps({"Updates": [{"Path": path, "UpdateType": "Created"} for path in paths]}).encode()
    _request(server, "/Library/Media/Updated", "POST", headers, body, opener)


def _request(server: MediaServer, path: str, method: str, headers: dict[str, str], body: bytes | None,
             opener) -> bytes:
    request = urllib.request.Request(server.url + path, data=body, method=method, headers=headers)
    try:
        with opener(request, timeout=TIMEOUT_SECONDS) as response:
            return response.read()
    except urllib.error.HTTPError as error:
        hint = " (check the token)" if error.code in (401, 403) else ""
        raise RefreshError(f"{server.label()} refused the refresh: HTTP {error.code} {error.reason}{hint}") from None
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", None) or error
        raise RefreshError(f"{server.label()} could not be reached: {reason}") from None
