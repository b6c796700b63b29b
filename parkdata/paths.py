"""Every path parkdata uses, in one place (nothing is created at import)."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parent
_IN_CHECKOUT = (PROJECT_ROOT / "pyproject.toml").exists() and (PROJECT_ROOT / "data").is_dir()

#: The bundled raw data: ``data/raw`` in a checkout, a copy inside the package when installed.
BUNDLED_RAW_DIR = (
    PROJECT_ROOT / "data" / "raw" if _IN_CHECKOUT else PACKAGE_DIR / "_bundled" / "raw"
)
#: The report notebooks: ``notebooks/`` in a checkout, a copy inside the package when installed.
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks" if _IN_CHECKOUT else PACKAGE_DIR / "_notebooks"
#: The files shipped inside the package that pages depend on: data tables (vocabulary, text,
#: catalog, evaluation presets …) and the HTML templates.
SHIPPED_DIRS = (PACKAGE_DIR / "data", PACKAGE_DIR / "templates")
#: Where ``parkdata ingest`` writes Parquet by default.
PROCESSED_DIR = PROJECT_ROOT / "data" / "processed" if _IN_CHECKOUT else Path("data") / "processed"
#: Where reports go.
OUTPUTS_DIR = PROJECT_ROOT / "outputs" if _IN_CHECKOUT else Path("outputs")
