"""The one module that talks HTTP (httpx): timeouts, retries with backoff that honour
429 and Retry-After, a User-Agent naming the tool, and the on-disk cache."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlencode

from mydia_import import __version__
from mydia_import.integrations.metadata import ProviderError
from mydia_import.integrations.metadata.cache import Cache

USER_AGENT = f"mydia-import/{__version__} (+https://github.com/getmydia/mydia)"
RETRIES = 3  # after the first try
MAX_WAIT = 30.0  # seconds: a longer Retry-After is a failure now, not a hang
_RETRY_STATUS = {429, 500, 502, 503, 504}


class Http:
    """GET JSON from one provider. `secret` params and headers never reach the cache key."""

    def __init__(self, provider: str, cache: Cache, timeout: float = 10.0,
                 sleep: Callable[[float], None] = time.sleep):
        self.provider = provider
        self.cache = cache
        self.timeout = timeout
        self.sleep = sleep
        self.calls = 0  # requests that reached the network (tests count them)
        self._client: Any = None

    def get(self, url: str, params: Mapping[str, Any] | None = None,
            secret_params: Mapping[str, str] | None = None,
            headers: Mapping[str, str] | None = None) -> Any | None:
        """The decoded JSON, or None for 404; ProviderError for anything else that fails."""
        request = url + ("?" + urlencode(sorted((params or {}).items())) if params else "")
        cached = self.cache.get(request)
        if cached is not None:
            return cached.get("json")
        data = self._fetch(url, {**(params or {}), **(secret_params or {})}, headers or {})
        self.cache.put(request, {"json": data})  # a 404 is remembered as None too
        return data

    def _fetch(self, url: str, params: Mapping[str, Any], headers: Mapping[str, str]) -> Any:
        import httpx

        if self._client is None:
            self._client = httpx.Client(timeout=self.timeout, follow_redirects=True,
                                        headers={"User-Agent": USER_AGENT, "Accept": "application/json"})
        for attempt in range(RETRIES + 1):
            last = attempt == RETRIES
            try:
                self.calls += 1
                response = self._client.get(url, params=params, headers=dict(headers))
            except httpx.HTTPError as error:
                # No network or no such host: asking again in a few seconds will not change that.
                if last or isinstance(error, httpx.ConnectError):
                    raise ProviderError(_unreachable(self.provider, error, self.timeout)) from None
                self.sleep(2 ** attempt)
                continue
            if response.status_code in _RETRY_STATUS:
                wait = _retry_after(response.headers.get("Retry-After"), 2 ** attempt)
                if last or wait > MAX_WAIT:
                    break
                self.sleep(wait)
                continue
            return self._decoded(response)
        raise ProviderError(f"{self.provider} is busy or failing (HTTP {response.status_code}); "
                            "try again later")

    def _decoded(self, response: Any) -> Any:
        status = response.status_code
        if status == 404:
            return None
        if status in (401, 403):
            raise ProviderError(f"{self.provider} refused the API key (HTTP {status}); check "
                                "[metadata] tmdb_api_key_file or MYDIA_IMPORT_METADATA_TMDB_API_KEY")
        if status >= 400:
            raise ProviderError(f"{self.provider} answered HTTP {status}; try again later")
        try:
            return response.json()
        except ValueError:
            raise ProviderError(f"{self.provider} answered something that is not JSON; "
                                "try again later") from None

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None


def _retry_after(value: str | None, fallback: float) -> float:
    """Retry-After in seconds (an HTTP date counts as the fallback)."""
    try:
        return max(0.0, float(value)) if value is not None else fallback
    except ValueError:
        return fallback


def _unreachable(provider: str, error: Exception, timeout: float) -> str:
    import httpx

    if isinstance(error, httpx.TimeoutException):
        return f"{provider} did not answer within {timeout:g} s; try again later or raise [metadata] timeout"
    text = (str(error).strip() or type(error).__name__).splitlines()[0][:120]
    return f"cannot reach {provider} ({text}); check the network, or use --offline"
