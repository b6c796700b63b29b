"""The CJK font every chart uses: Noto Sans CJK SC from the ``noto-cjk-sans-otc`` package.

Nothing happens at import time; :func:`register_cjk_font` adds the font to matplotlib's font
manager the first time it is called (later calls do nothing).
"""

from __future__ import annotations

from pathlib import Path

from matplotlib import font_manager

from parkdata.errors import ParkDataError

CJK_FAMILY = "Noto Sans CJK SC"
_INSTALL = "pip install noto-cjk-sans-otc"


def cjk_font_path() -> Path:
    """Path of the Noto Sans CJK collection (.ttc) shipped by the ``noto-cjk-sans-otc`` package."""
    try:  # the font package is checked where it is needed, with a clear error if absent
        import noto_cjk_sans_otc
    except ImportError as exc:
        raise ParkDataError(
            f"Charts need the Noto Sans CJK font for Chinese text, but the package "
            f"noto-cjk-sans-otc is not installed. Install it with: {_INSTALL}"
        ) from exc
    path = Path(str(noto_cjk_sans_otc.FONT_PATH))
    if not path.is_file():
        raise ParkDataError(
            f"The noto-cjk-sans-otc package is installed but its font file {path} is missing. "
            f"Reinstall it with: {_INSTALL} --force-reinstall"
        )
    return path


def register_cjk_font() -> str:
    """Add the Noto CJK font to matplotlib (once) and return its family name for rcParams."""

    path = cjk_font_path()
    known = {Path(entry.fname) for entry in font_manager.fontManager.ttflist}
    if path not in known:
        font_manager.fontManager.addfont(str(path))
    return CJK_FAMILY
