"""Park registry: resolve park names (full, short, aliases, or a sheet title) to ``park_id``."""

from __future__ import annotations

import difflib
import re

import pandas as pd

from .text import fold_name

# a known name followed by one of these is only the start of a longer, different name
# (湖口县 + 高新技术产业园区 is the park, not the county)
_LONGER_NAME = re.compile(
    r"^(?:[^\d年]{0,8}?)(?:园区|开发区|高新区|经开区|集中区|工业园|投资区|新区)"
)


class ParkRegistry:
    """Lookup of parks by id, Chinese name, short name or alias."""

    def __init__(self, parks: pd.DataFrame):
        self._names: dict[str, str] = {}
        self._kind: dict[str, str] = {}
        for row in parks.itertuples(index=False):
            self._kind[str(row.park_id)] = str(getattr(row, "kind", ""))
            aliases = str(getattr(row, "aliases_zh", "") or "")
            names = [row.park_id, row.name_zh, row.short_name_zh, *aliases.split(";")]
            for name in names:
                if name and str(name).strip() and str(name) != "nan":
                    self._names.setdefault(fold_name(name), str(row.park_id))
        self.ids = frozenset(self._kind)

    def resolve(self, name: object) -> str | None:
        """``park_id`` for an id, a name or an alias, matched whole (never a part of the text)."""
        return self._names.get(fold_name(name))

    def resolve_title(self, title: object) -> str | None:
        """``park_id`` named inside a sheet title such as "湖口高新园区2021年1-9月主要经济指标".

        The longest known park name in the title wins if no other park's name is as long.
        Administrative areas are never chosen, nor a name that is only the start of a longer
        one (湖口县 in 湖口县高新技术产业园区).
        """
        key = fold_name(title)
        if key in self._names:
            return self._names[key]
        hits = []
        for name, pid in self._names.items():
            if len(name) < 3 or self._kind.get(pid) == "region":
                continue
            at = key.find(name)
            if at >= 0 and not _LONGER_NAME.match(key[at + len(name) :]):
                hits.append((len(name), pid))
        if not hits:
            return None
        hits.sort(reverse=True)
        best_len, best = hits[0]
        rivals = {pid for length, pid in hits if length == best_len}
        return best if rivals == {best} else None

    def suggest(self, name: object, n: int = 3) -> list[str]:
        """Closest known names (for error messages), one per park."""
        keys = difflib.get_close_matches(fold_name(name), list(self._names), n=4 * n, cutoff=0.3)
        seen: dict[str, str] = {}
        for k in keys:
            seen.setdefault(self._names[k], f"{k} ({self._names[k]})" if k != self._names[k] else k)
        return list(seen.values())[:n]
