"""A local stand-in for TVmaze and TMDB: http.server on 127.0.0.1 in a thread, serving
answers written from each provider's documented format. No test reaches the internet."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

# TVmaze: https://www.tvmaze.com/api (search, show with embedded episodes, AKAs).
SLOW_HORSES = {
    "id": 44778, "name": "Slow Horses", "language": "English", "status": "Running",
    "premiered": "2022-04-01", "network": None,
    "webChannel": {"id": 310, "name": "Apple TV+", "country": None},
    "externals": {"tvrage": None, "thetvdb": 401012, "imdb": "tt5875444"},
    "summary": "<p><b>Slow Horses</b> follows a team of British intelligence agents.</p>",
}
SLOW_HORSES_EPISODES = [
    {"id": 2000001, "name": "Failure's Contagious", "season": 1, "number": 1, "type": "regular",
     "airdate": "2022-04-01"},
    {"id": 2000002, "name": "Work Drinks", "season": 1, "number": 2, "type": "regular", "airdate": "2022-04-01"},
    {"id": 2000003, "name": "Behind the Scenes", "season": 1, "number": None, "type": "significant_special",
     "airdate": "2022-04-20"},
]
SLOW_HORSES_AKAS = [{"name": "Медленные лошади", "country": {"name": "Russian Federation", "code": "RU"}}]

# TMDB v3: https://developer.themoviedb.org/reference (search/movie, movie details with
# append_to_response=alternative_titles,external_ids).
ARRIVAL_RESULT = {"id": 329865, "title": "Arrival", "original_title": "Arrival", "release_date": "2016-11-10",
                  "overview": "Taking place after alien crafts land around the world...", "popularity": 40.1}
ARRIVAL = {**ARRIVAL_RESULT, "imdb_id": "tt2543164", "runtime": 116,
           "production_countries": [{"iso_3166_1": "US", "name": "United States of America"}],
           "alternative_titles": {"titles": [{"iso_3166_1": "US", "title": "Story of Your Life", "type": ""}]},
           "external_ids": {"imdb_id": "tt2543164", "wikidata_id": "Q20superb"}}
TMDB_KEY = "0123456789abcdef0123456789abcdef"


@dataclass
class Reply:
    status: int = 200
    body: Any = None  # JSON-able, or bytes sent as they are
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


Route = Callable[[dict[str, list[str]], dict[str, str]], Reply]


class FakeProviders:
    """Routes by path; each request is logged as (path, query, headers)."""

    def __init__(self) -> None:
        self.routes: dict[str, Route | list[Reply] | Reply] = {}
        self.requests: list[tuple[str, dict[str, list[str]], dict[str, str]]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                url = urlsplit(self.path)
                query = parse_qs(url.query)
                headers = {k.lower(): v for k, v in self.headers.items()}
                server.requests.append((url.path, query, headers))
                reply = server.answer(url.path, query, headers)
                time.sleep(reply.delay)
                body = reply.body if isinstance(reply.body, bytes) else json.dumps(reply.body).encode()
                try:
                    self.send_response(reply.status)
                    for name, value in {"Content-Type": "application/json", **reply.headers}.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass  # the client gave up (a timeout test)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True  # a handler still sleeping never holds the test up
        self.httpd.block_on_close = False
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def answer(self, path: str, query: dict[str, list[str]], headers: dict[str, str]) -> Reply:
        route = self.routes.get(path)
        if route is None:
            return Reply(404, {"status": 404, "message": "not found"})
        if isinstance(route, list):  # a sequence of replies, the last one repeated
            return route.pop(0) if len(route) > 1 else route[0]
        if isinstance(route, Reply):
            return route
        return route(query, headers)

    def calls(self, path: str) -> int:
        return sum(1 for p, _, _ in self.requests if p == path)


def tmdb_auth(reply: Callable[[dict[str, list[str]]], Any]) -> Route:
    """TMDB's answer to a missing or wrong key: 401 with status_code 7."""
    def route(query: dict[str, list[str]], headers: dict[str, str]) -> Reply:
        if query.get("api_key") != [TMDB_KEY] and headers.get("authorization") != f"Bearer eyJ{TMDB_KEY}":
            return Reply(401, {"status_code": 7, "status_message": "Invalid API key: You must be granted a valid key.",
                               "success": False})
        return Reply(200, reply(query))
    return route


def standard_routes(fake: FakeProviders) -> None:
    fake.routes.update({
        "/search/shows": Reply(200, [{"score": 0.9, "show": SLOW_HORSES}]),
        f"/shows/{SLOW_HORSES['id']}": Reply(200, {**SLOW_HORSES, "_embedded": {"episodes": SLOW_HORSES_EPISODES}}),
        f"/shows/{SLOW_HORSES['id']}/akas": Reply(200, SLOW_HORSES_AKAS),
        "/3/search/movie": tmdb_auth(lambda q: {"page": 1, "total_pages": 1, "total_results": 1,
                                                "results": [ARRIVAL_RESULT]}),
        f"/3/movie/{ARRIVAL['id']}": tmdb_auth(lambda q: ARRIVAL),
    })


@contextmanager
def serving() -> Iterator[FakeProviders]:
    fake = FakeProviders()
    thread = threading.Thread(target=fake.httpd.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        fake.httpd.shutdown()
        fake.httpd.server_close()


@contextmanager
def standard() -> Iterator[FakeProviders]:
    """The stand-in serving the standard routes (Slow Horses at TVmaze, Arrival at TMDB)."""
    with serving() as fake:
        standard_routes(fake)
        yield fake
