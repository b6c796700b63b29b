"""Park registry: resolve park names (full, short, aliases, or a sheet title) to ``park_id``."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

import pandas as pd

from parkdata.contract.names import fold_name
from parkdata.contract.panel import Panel
from parkdata.errors import ArgumentError

REGISTRY_COLUMNS = ("park_id", "name_zh", "short_name_zh", "aliases_zh", "kind")
"""The columns of the park registry a name lookup reads."""


class ParkRegistry:
    """Lookup of parks by id, Chinese name, short name or alias."""

    def __init__(self, parks: pd.DataFrame):
        claims: dict[str, set[str]] = {}
        self._kind: dict[str, str] = {}
        for row in parks.itertuples(index=False):
            self._kind[str(row.park_id)] = str(getattr(row, "kind", ""))
            aliases = str(getattr(row, "aliases_zh", "") or "")
            names = [row.park_id, row.name_zh, row.short_name_zh, *aliases.split(";")]
            for name in names:
                if name and str(name).strip() and str(name) != "nan":
                    claims.setdefault(fold_name(name), set()).add(str(row.park_id))
        # a name two parks share names neither: asking for it is an error, not a coin toss
        self._names = {n: next(iter(ids)) for n, ids in claims.items() if len(ids) == 1}
        self.shared = {n: sorted(ids) for n, ids in claims.items() if len(ids) > 1}
        self.ids = frozenset(self._kind)

    def resolve(self, name: object) -> str | None:
        """``park_id`` for an id, a name or an alias, matched whole (never a part of the text)."""
        return self._names.get(fold_name(name))

    def resolve_title(self, title: object) -> str | None:
        """``park_id`` named inside a sheet title such as "湖口高新园区2021年1-9月主要经济指标".

        Exactly one park must be named; administrative areas are never chosen (湖口县 in
        湖口县高新技术产业园区 is not a park).
        """
        key = fold_name(title)
        if key in self._names:
            return self._names[key]
        hits = []  # (start, end, park) of every known name in the title
        for name, pid in self._names.items():
            if len(name) < 3 or self._kind.get(pid) == "region":
                continue
            at = key.find(name)
            if at >= 0:
                hits.append((at, at + len(name), pid))
        # a name inside a longer name that was also found is part of it, not a second park
        kept = {
            pid
            for a, b, pid in hits
            if not any(a2 <= a and b <= b2 and (b2 - a2) > (b - a) for a2, b2, _ in hits)
        }
        return kept.pop() if len(kept) == 1 else None  # none, or two parks: not a guess

    def find(self, name: str) -> str:
        """The park_id ``name`` stands for; an ArgumentError naming the closest known names (or
        the parks that share the name) otherwise."""
        found = self.resolve(name)
        if found is not None:
            return found
        shared = self.shared_by(name)
        if shared:
            raise ArgumentError(f"park {name!r} is the name of several parks: {', '.join(shared)}")
        close = self.suggest(name)
        hint = f"; closest known: {', '.join(close)}" if close else ""
        raise ArgumentError(f"unknown park {name!r}{hint} (`parkdata summary` lists them)")

    def shared_by(self, name: object) -> list[str]:
        """The parks that share ``name`` (empty unless two or more do)."""
        return self.shared.get(fold_name(name), [])

    def suggest(self, name: object, n: int = 3) -> list[str]:
        """Closest known names (for error messages), one per park."""
        keys = difflib.get_close_matches(fold_name(name), list(self._names), n=4 * n, cutoff=0.3)
        seen: dict[str, str] = {}
        for k in keys:
            seen.setdefault(self._names[k], f"{k} ({self._names[k]})" if k != self._names[k] else k)
        return list(seen.values())[:n]


def find_parks(panel: Panel, names: str | Iterable[str] | None) -> list[str] | None:
    """The park_ids of one name or several (ids, Chinese names, aliases); None for None.

    >>> import parkdata as pkd
    >>> find_parks(pkd.load(), "东湖高新区")
    ['wuhan_donghu_hitech']
    """
    if names is None:
        return None
    wanted = [names] if isinstance(names, str) else list(names)
    registry = ParkRegistry(panel.parks)
    return list(dict.fromkeys(registry.find(str(n)) for n in wanted))


def find_park(panel: Panel, name: str) -> str:
    """The park_id of an id, Chinese name, short name or alias in ``panel``'s registry;
    an ArgumentError listing the closest known names otherwise.

    >>> import parkdata as pkd
    >>> panel = pkd.load()
    >>> find_park(panel, "东湖高新区"), find_park(panel, "hukou_hitech")
    ('wuhan_donghu_hitech', 'hukou_hitech')
    """
    return ParkRegistry(panel.parks).find(name)
