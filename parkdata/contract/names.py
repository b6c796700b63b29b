"""Folding of names for matching: full-width forms, case, spaces, quotes and brackets."""

from __future__ import annotations

import unicodedata

_DROPPED = str.maketrans("", "", " \u3000“”\"'‘’「」()（）")


def fold_name(name: object) -> str:
    """Key under which two spellings of one name compare equal.

    >>> fold_name("“5020”项目数") == fold_name("5020 项目数")
    True
    """
    return unicodedata.normalize("NFKC", str(name)).strip().lower().translate(_DROPPED)
