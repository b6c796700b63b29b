"""Park registry: resolve park names (full, short, aliases, or a sheet title) to ``park_id``."""

from __future__ import annotations

import difflib

import pandas as pd

from .text import fold_name


class ParkRegistry:
    """Lookup of parks by id, Chinese name, short name or alias."""

    def __init__(self, parks: pd.DataFrame):
        self._names: dict[str, str] = {}
        for row in parks.itertuples(index=False):
            aliases = str(getattr(row, "aliases_zh", "") or "")
            names = [row.park_id, row.name_zh, row.short_name_zh, *aliases.split(";")]
            for name in names:
                if name and str(name).strip() and str(name) != "nan":
                    self._names.setdefault(fold_name(name), str(row.park_id))
        self.ids = frozenset(str(p) for p in parks["park_id"])

    def resolve(self, name: object) -> str | None:
        """``park_id`` for an id or a name; a title that contains exactly one known name works too."""
        key = fold_name(name)
        if key in self._names:
            return self._names[key]
        # a title such as "湖口高新园区2021年1-9月主要经济指标": the longest contained name wins,
        # provided no other park's name is as long (otherwise the title is ambiguous)
        hits = sorted(
            ((len(n), pid) for n, pid in self._names.items() if len(n) >= 3 and n in key),
            reverse=True,
        )
        if not hits:
            return None
        best_len, best = hits[0]
        rivals = {pid for length, pid in hits if length == best_len}
        return best if rivals == {best} else None

    def suggest(self, name: object, n: int = 3) -> list[str]:
        """Closest known names (for error messages)."""
        keys = difflib.get_close_matches(fold_name(name), list(self._names), n=4 * n, cutoff=0.3)
        seen: dict[str, str] = {}  # one suggestion per park
        for k in keys:
            seen.setdefault(self._names[k], f"{k} ({self._names[k]})" if k != self._names[k] else k)
        return list(seen.values())[:n]
