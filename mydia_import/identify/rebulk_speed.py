"""A faster rebulk under guessit, with the same output.

guessit spends most of a name inside rebulk, and part of that redoes work whose result never
changes between names: ordering the rules, gathering them, sorting matches through a Python
`__lt__`. `install()` replaces a few rebulk methods with equivalents that skip that work (guessit
itself monkeypatches rebulk the same way, guessit/monkeypatch.py). Each patch was read against
the exact rebulk releases in `CHECKED` and applies to no other, not even a later 6.0.x: any other
rebulk runs as it comes (slower, never wrong), and `-v` says so once (`state()`).
`MYDIA_IMPORT_PLAIN_GUESSIT=1` turns the patches off. tests/test_rebulk_speed.py checks that
guessit's whole output stays the same.
"""

from __future__ import annotations

import os
import threading
from itertools import groupby
from operator import attrgetter
from typing import Any

# The rebulk releases whose source the patches were read against.
CHECKED = frozenset({"6.0.1"})
ENV = "MYDIA_IMPORT_PLAIN_GUESSIT"
_CACHE_MAX = 64  # rule lists kept per cache; guessit uses a handful (one per set of options)

_lock = threading.Lock()
_installed = False


def install() -> bool:
    """Patch rebulk once; True when the patches are in place, False when they were not applied
    (the environment variable asks for plain guessit, or rebulk is a version not checked)."""
    global _installed
    with _lock:
        if _installed:
            return True
        if os.environ.get(ENV, "") not in ("", "0"):
            return False
        from rebulk import __version__ as about

        if not checked(about.__version__):
            return False  # the installed rebulk is not one the patches were read against
        _patch()
        _installed = True
        return True


def checked(version: str) -> bool:
    """Whether the patches were read against this rebulk release ("6.0.1")."""
    return version in CHECKED


def state() -> tuple[bool, str]:
    """Whether `install()` patches (or patched) rebulk, and in words why not; read without
    importing rebulk, for the parse cache's key and for `-v`."""
    if os.environ.get(ENV, "") not in ("", "0"):
        return False, f"guessit runs on plain rebulk ({ENV} is set)"
    version = rebulk_version()
    if not checked(version):
        return False, (f"guessit runs on plain rebulk, slower: rebulk {version} is not a release the speed-ups "
                       f"were read against ({', '.join(sorted(CHECKED))})")
    return True, f"guessit runs on rebulk {version} with the speed-ups"


def rebulk_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("rebulk")
    except PackageNotFoundError:
        return "?"


def _patch() -> None:
    from rebulk import match as rmatch
    from rebulk import rebulk as rrebulk
    from rebulk import rules as rrules

    plans: dict[tuple[int, ...], tuple[tuple[Any, ...], list[tuple[int, list[Any]]]]] = {}
    plain_execute = rrules.Rules.execute_all_rules

    def plan(rules: Any) -> list[tuple[int, list[Any]]]:
        """(priority, rules) groups in rebulk's order of execution: by priority, then by the
        toposort of their dependencies, each group in the list's order. It depends only on which
        rules the list holds in which order (priority and dependency are class attributes), so
        it is worked out once per list of the same rules. The value keeps the rules alive: the
        ids in its key cannot be reused by other rules."""
        key = tuple(map(id, rules))
        found = plans.get(key)
        if found is None:
            groups = [
                (priority, sorted(group, key=rules.index))
                for priority, same in groupby(sorted(rules), attrgetter("priority"))
                for group in rrules.toposort_rules(list(same))
            ]
            if len(plans) >= _CACHE_MAX:
                plans.clear()
            found = plans[key] = (tuple(rules), groups)
        return found[1]

    def execute_all_rules(self: Any, matches: Any, context: Any) -> list[tuple[Any, Any]]:
        try:
            groups = plan(self)
        except Exception:  # a cycle or a duplicate rule: rebulk raises it, after the groups before it
            return plain_execute(self, matches, context)
        ret = []
        for priority, group in groups:
            rrules.log(max(rule.log_level for rule in group), "%s independent rule(s) at priority %s.",
                       len(group), priority)
            for rule in group:
                response = rrules.execute_rule(rule, matches, context)
                if response is not None:
                    ret.append((rule, response))
        return ret

    def kept(plain: Any, attr: str, fresh: Any) -> Any:
        """Rebulk.effective_rules / effective_patterns: the parent's rules (patterns) and those of
        its enabled children, which rebulk gathers and dedups again for every name. Kept per
        Rebulk and per set of enabled children, gathered again when any of those lists has
        changed; a copy goes out, as rebulk's is new each time."""
        slot = f"_mydia_effective_{attr}"

        def effective(self: Any, context: Any = None) -> Any:
            enabled = tuple(not child.disabled(context) for child in self._rebulks)
            members = (tuple(getattr(self, attr)), *(tuple(getattr(child, attr)) for child in self._rebulks))
            signature = tuple(map(id, self._rebulks)) + tuple(id(item) for items in members for item in items)
            cache = self.__dict__.setdefault(slot, {})
            found = cache.get(enabled)
            if found is None or found[0] != signature:
                if len(cache) >= _CACHE_MAX:
                    cache.clear()
                # the value keeps the members and children alive: the ids in the signature stay theirs
                found = cache[enabled] = (signature, (members, tuple(self._rebulks)), plain(self, context))
            out = fresh()
            out.extend(found[2])
            return out

        return effective

    span = attrgetter("span")

    def range_(self: Any, start: int = 0, end: int | None = None, predicate: Any = None,
               index: int | None = None) -> Any:
        """Match.__lt__ compares spans: sorting by span as a key makes the same comparisons in
        the same stable sort, without a Python call per comparison."""
        end = self.max_end if end is None else min(self.max_end, end)
        ret = rmatch._BaseMatches._base(m for m in sorted(self, key=span) if m.start < end and m.end > start)
        return rmatch.filter_index(ret, predicate, index)

    # collections.abc's Sequence methods go through __getitem__, which reads self._delegate[i]
    # (a list only ever assigned in __init__); the list's own methods read it the same way.
    def iter_(self: Any) -> Any:
        """Both iterate by index and stop at the end the list has then."""
        return iter(self._delegate)

    def contains(self, value: Any) -> bool:
        """Both test `item is value or item == value` in order."""
        return value in self._delegate

    plain_index = rmatch._BaseMatches.index

    def index(self: Any, value: Any, start: int = 0, stop: int | None = None) -> int:
        """The first i with `item is value or item == value` (MutableSequence.remove asks this);
        a bare ValueError when missing, as Sequence.index raises."""
        if start != 0 or stop is not None:
            return plain_index(self, value, start, stop)
        try:
            return self._delegate.index(value)
        except ValueError:
            raise ValueError from None

    rrules.Rules.execute_all_rules = execute_all_rules
    rrebulk.Rebulk.effective_rules = kept(rrebulk.Rebulk.effective_rules, "_rules", rrules.Rules)
    rrebulk.Rebulk.effective_patterns = kept(rrebulk.Rebulk.effective_patterns, "_patterns", list)
    rmatch._BaseMatches.range = range_
    rmatch._BaseMatches.__iter__ = iter_
    rmatch._BaseMatches.__contains__ = contains
    rmatch._BaseMatches.index = index
