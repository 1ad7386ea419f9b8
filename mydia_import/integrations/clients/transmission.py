"""Transmission's RPC (through transmission-rpc, imported here only, lazily)."""

from __future__ import annotations

from urllib.parse import urlsplit

from mydia_import.integrations.clients.api import ClientError, TorrentState


class Transmission:
    name = "Transmission"

    def __init__(self, url: str, username: str | None, password: str | None, timeout: float = 15):
        try:
            import transmission_rpc
        except ImportError:
            raise ClientError("Transmission clean-up needs transmission-rpc: pip install transmission-rpc") from None
        self._rpc = transmission_rpc
        self.url = url
        parts = urlsplit(url if "://" in url else f"http://{url}")
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ClientError(f"[transmission] url = {url!r} is not an http(s) URL "
                              "(for example http://127.0.0.1:9091/transmission/rpc)")
        with self._errors("connect"):
            self._client = transmission_rpc.Client(
                protocol=parts.scheme, host=parts.hostname,
                port=parts.port or (443 if parts.scheme == "https" else 9091),
                path=parts.path if parts.path not in ("", "/") else "/transmission/rpc",
                username=username, password=password, timeout=timeout,
            )

    def state(self, torrent_id: str) -> TorrentState:
        with self._errors("read the torrent"):
            try:
                torrent = self._client.get_torrent(torrent_id)
            except KeyError:
                return TorrentState(found=False, seeded=False, state="not in Transmission")
        status = str(torrent.status)
        # isFinished: Transmission stopped seeding because the ratio or idle limit was reached.
        seeded = bool(torrent.is_finished) and torrent.stopped
        return TorrentState(found=True, seeded=seeded, name=torrent.name,
                            state=f"{status}, ratio {torrent.ratio:.2f}" + (" (seed goal reached)" if seeded else ""))

    def remove(self, torrent_id: str, delete_data: bool) -> None:
        with self._errors("remove the torrent"):
            self._client.remove_torrent(torrent_id, delete_data=delete_data)

    def mark(self, torrent_id: str, *, tag: str | None, category: str | None) -> None:
        if not tag:
            return
        with self._errors("label the torrent"):
            torrent = self._client.get_torrent(torrent_id, arguments=["id", "labels"])
            labels = list(torrent.labels or [])
            if tag not in labels:
                self._client.change_torrent(torrent_id, labels=[*labels, tag])

    def close(self) -> None:
        pass

    def _errors(self, doing: str):
        return _translated(self._rpc, self.name, self.url, doing)


class _translated:
    """transmission-rpc's exceptions as one ClientError line (never with the password)."""

    def __init__(self, rpc, name: str, url: str, doing: str):
        self.rpc, self.name, self.url, self.doing = rpc, name, url, doing

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind, error, tb) -> bool:
        if error is None:
            return False
        errors = self.rpc.error
        if isinstance(error, errors.TransmissionAuthError):
            why = "the user name or password was refused"
        elif isinstance(error, errors.TransmissionTimeoutError):
            why = "no answer in time"
        elif isinstance(error, errors.TransmissionConnectError):
            why = "cannot connect"
        elif isinstance(error, errors.TransmissionError):
            why = (str(error).strip().splitlines() or [type(error).__name__])[0][:200]
        elif isinstance(error, OSError):
            why = str(error)
        else:
            return False
        raise ClientError(f"{self.name} at {self.url}: could not {self.doing}: {why}") from None
