"""The CJK font of charts: Noto Sans CJK from PyPI, registered once; Chinese renders without a
missing glyph whether or not the machine has a system CJK font (Debian's fonts-noto-cjk)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from matplotlib import font_manager

from parkdata.errors import ParkDataError
from parkdata.reporting.fonts import CJK_FAMILY, cjk_font_path, register_cjk_font

# Run in a fresh interpreter: the font manager is process-wide. ``SETUP`` makes the machine
# look as the test needs (no system CJK font at all, or a system copy of Noto Sans CJK at
# another path), then a chart with Chinese is drawn with every warning an error: matplotlib
# warns "Glyph … missing from font(s)" when a character cannot be drawn.
RENDER = """
import warnings
from pathlib import Path
from matplotlib import font_manager as fm
{setup}
fm.fontManager._findfont_cached.cache_clear()
from parkdata.reporting import charts
from parkdata.reporting.fonts import cjk_font_path, register_cjk_font
import pandas as pd
with warnings.catch_warnings():
    warnings.simplefilter("error")
    fig = charts.plot_peers(pd.Series({{"苏州工业园区": 3.0, "昆山开发区": 2.0}}), highlight="",
                            title="亩均税收（万元/亩）", unit="万元/亩")
    chart = charts.to_chart(fig, alt="亩均税收")
found = Path(fm.findfont(fm.FontProperties(family="Noto Sans CJK SC"), fallback_to_default=False))
print(found == cjk_font_path(), found)
"""
NO_SYSTEM_CJK = """
fm.fontManager.ttflist = [f for f in fm.fontManager.ttflist
                          if "CJK" not in f.name and "Noto Sans SC" not in f.name]
"""


def _render(setup: str) -> tuple[bool, str]:
    code = RENDER.format(setup=textwrap.dedent(setup))
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    same, found = out.stdout.strip().split(" ", 1)
    return same == "True", found


def test_without_a_system_cjk_font_the_bundled_one_draws_chinese() -> None:
    bundled, found = _render(NO_SYSTEM_CJK)
    assert bundled, f"expected the bundled font, matplotlib picked {found}"


def test_with_a_system_copy_of_the_font_chinese_still_renders(tmp_path: Path) -> None:
    system = tmp_path / "NotoSansCJK-Regular.ttc"  # where Debian's fonts-noto-cjk puts it
    shutil.copyfile(cjk_font_path(), system)
    setup = NO_SYSTEM_CJK + f"fm.fontManager.addfont({str(system)!r})\n"
    _, found = _render(setup)  # no missing glyph, whichever copy matplotlib picked
    assert Path(found) in (system, cjk_font_path())


def test_font_is_the_noto_cjk_collection_and_registration_is_idempotent() -> None:
    path = cjk_font_path()
    assert path.suffix == ".ttc" and path.is_file()
    assert register_cjk_font() == CJK_FAMILY
    count = sum(Path(f.fname) == path for f in font_manager.fontManager.ttflist)
    assert register_cjk_font() == CJK_FAMILY
    assert sum(Path(f.fname) == path for f in font_manager.fontManager.ttflist) == count


def test_missing_font_package_names_the_pip_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "noto_cjk_sans_otc", None)  # import now fails
    with pytest.raises(ParkDataError, match="pip install noto-cjk-sans-otc"):
        cjk_font_path()
