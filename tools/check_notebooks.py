"""Check that committed notebooks carry no outputs (and keep their cell tags).

Usage: ``python tools/check_notebooks.py [--strip] NOTEBOOK...`` (default: every notebooks/*.ipynb).
Exit 1 and name each dirty notebook; with ``--strip`` clear outputs and execution counts in place,
never touching cell metadata (papermill needs the ``parameters`` tag).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def dirty_cells(nb: dict) -> list[int]:
    """Indices of code cells that have outputs or an execution count."""
    return [
        i
        for i, cell in enumerate(nb.get("cells", []))
        if cell.get("cell_type") == "code" and (cell.get("outputs") or cell.get("execution_count"))
    ]


def strip(nb: dict) -> dict:
    """The notebook with outputs and execution counts cleared; tags and metadata kept."""
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    return nb


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--strip", action="store_true")
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted(Path("notebooks").glob("*.ipynb"))
    bad = 0
    for path in paths:
        nb = json.loads(path.read_text(encoding="utf-8"))
        cells = dirty_cells(nb)
        if not cells:
            continue
        if args.strip:
            path.write_text(
                json.dumps(strip(nb), ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
            )
            print(f"stripped {path} (cells {cells})")
        else:
            bad += 1
            print(f"{path}: cells {cells} carry outputs; run `make strip-notebooks`")
    print(f"checked {len(paths)} notebook(s): {'ok' if not bad else f'{bad} with outputs'}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
