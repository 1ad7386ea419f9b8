"""Provider answers on disk ([metadata] cache), so a second run asks nothing it knows.

One JSON file per request, named by a hash of the request (never of a key or token,
which are not part of it), holding when it was stored. A damaged file is a miss.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path
from typing import Any


class Cache:
    def __init__(self, folder: Path | None, max_age_days: float):
        self.folder = folder
        self.max_age = max_age_days * 86400

    def _path(self, request: str) -> Path | None:
        if self.folder is None or self.max_age <= 0:
            return None
        digest = hashlib.sha256(request.encode()).hexdigest()
        return self.folder / digest[:2] / f"{digest}.json"

    def get(self, request: str) -> Any | None:
        path = self._path(request)
        try:
            stored = json.loads(path.read_text(encoding="utf-8")) if path else None
        except (OSError, ValueError):
            return None
        if not isinstance(stored, dict) or stored.get("request") != request:
            return None
        if time.time() - float(stored.get("stored_at", 0)) > self.max_age:
            return None
        return stored.get("data")

    def put(self, request: str, data: Any) -> None:
        path = self._path(request)
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temp = path.with_suffix(f".{os.getpid()}.tmp")
            temp.write_text(json.dumps({"request": request, "stored_at": time.time(), "data": data}),
                            encoding="utf-8")
            temp.replace(path)  # whole or absent: a concurrent run never reads half a file
        except OSError:
            pass  # a cache that cannot be written only costs another call next time
