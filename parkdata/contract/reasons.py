"""A reason as the math gives it: a code and the numbers behind it, never a sentence.

The reporting layer turns a reason into words (``parkdata.reporting.wording``); tests and
programs compare codes.

>>> Reason("too_few_forecasts", {"needed": 100}).code
'too_few_forecasts'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Reason:
    """Why a result is what it is: ``code`` (see the text table) and its ``params``."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)
