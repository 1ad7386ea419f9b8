"""qBittorrent's web API (through qbittorrent-api, imported here only, lazily)."""

from __future__ import annotations

from mydia_import.integrations.clients.api import ClientError, TorrentState

# States in which qBittorrent itself stopped a finished torrent (4.x: paused, 5.x: stopped).
STOPPED_STATES = {"pausedUP", "stoppedUP"}


class Qbittorrent:
    name = "qBittorrent"

    def __init__(self, url: str, username: str | None, password: str | None, timeout: float = 15):
        try:
            import qbittorrentapi
        except ImportError:
            raise ClientError("qBittorrent clean-up needs qbittorrent-api: pip install qbittorrent-api") from None
        self._api = qbittorrentapi
        self.url = url
        self._client = qbittorrentapi.Client(
            host=url, username=username, password=password, REQUESTS_ARGS={"timeout": timeout},
            DISABLE_LOGGING_DEBUG_OUTPUT=True, VERIFY_WEBUI_CERTIFICATE=True,
        )
        with self._errors("log in"):
            if username:
                self._client.auth_log_in()
            self._client.app_web_api_version()

    def state(self, torrent_id: str) -> TorrentState:
        with self._errors("read the torrent"):
            found = self._client.torrents_info(torrent_hashes=torrent_id)
            if not found:
                return TorrentState(found=False, seeded=False, state="not in qBittorrent", name=None)
            torrent = found[0]
            preferences = self._client.app_preferences()
        return TorrentState(found=True, seeded=_seed_goal_reached(torrent, preferences),
                            state=_describe(torrent, preferences), name=torrent.get("name"))

    def remove(self, torrent_id: str, delete_data: bool) -> None:
        with self._errors("remove the torrent"):
            self._client.torrents_delete(delete_files=delete_data, torrent_hashes=torrent_id)

    def mark(self, torrent_id: str, *, tag: str | None, category: str | None) -> None:
        with self._errors("mark the torrent"):
            if category:
                try:  # setCategory refuses a category that does not exist yet
                    self._client.torrents_create_category(name=category)
                except self._api.Conflict409Error:
                    pass
                self._client.torrents_set_category(category=category, torrent_hashes=torrent_id)
            if tag:
                self._client.torrents_add_tags(tags=tag, torrent_hashes=torrent_id)

    def close(self) -> None:
        try:
            self._client.auth_log_out()
        except Exception:  # logging out is a courtesy
            pass

    def _errors(self, doing: str):
        return _translated(self._api, self.name, self.url, doing)


class _translated:
    """qbittorrent-api's exceptions as one ClientError line (never with the password)."""

    def __init__(self, api, name: str, url: str, doing: str):
        self.api, self.name, self.url, self.doing = api, name, url, doing

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind, error, tb) -> bool:
        if error is None:
            return False
        api = self.api
        if isinstance(error, api.LoginFailed):
            why = "the user name or password was refused"
        elif isinstance(error, api.Forbidden403Error):
            why = ("access denied (HTTP 403): check the credentials, or qBittorrent banned this address "
                   "after failed logins")
        elif isinstance(error, api.APIConnectionError):
            why = f"cannot connect ({_first_line(error)})"
        elif isinstance(error, api.APIError):
            why = _first_line(error) or type(error).__name__
        elif isinstance(error, OSError):
            why = str(error)
        else:
            return False
        raise ClientError(f"{self.name} at {self.url}: could not {self.doing}: {why}") from None


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0][:200] if text else type(error).__name__


def _seed_goal_reached(torrent, preferences) -> bool:
    """Stopped by qBittorrent with its ratio or seeding-time goal reached (Sonarr's rule)."""
    if torrent.get("state") not in STOPPED_STATES:
        return False
    ratio_goal = _limit(torrent.get("ratio_limit", -2), preferences.get("max_ratio_enabled"),
                        preferences.get("max_ratio"))
    if ratio_goal is not None and torrent.get("ratio", 0) >= ratio_goal - 0.0001:
        return True
    minutes_goal = _limit(torrent.get("seeding_time_limit", -2), preferences.get("max_seeding_time_enabled"),
                          preferences.get("max_seeding_time"))
    return minutes_goal is not None and torrent.get("seeding_time", 0) >= minutes_goal * 60


def _limit(own, global_enabled, global_value):
    """A torrent's limit: its own (>= 0), the global one (-2), or none (-1)."""
    if own is None:
        return None
    if own >= 0:
        return own
    if own == -2 and global_enabled and global_value is not None and global_value >= 0:
        return global_value
    return None


def _describe(torrent, preferences) -> str:
    ratio_goal = _limit(torrent.get("ratio_limit", -2), preferences.get("max_ratio_enabled"),
                        preferences.get("max_ratio"))
    goal = f" of {ratio_goal:g}" if ratio_goal is not None else " (no ratio limit)"
    return f"{torrent.get('state')}, ratio {torrent.get('ratio', 0):.2f}{goal}"
