"""``parkdata ingest``: raw files → checked, canonical Parquet in ``data/processed/``.

Raw files are only read. Outputs are replaced atomically and the manifest (hashes of every input,
the catalog and the library version) is written last, so a rerun with nothing changed does nothing
and an interrupted run is simply redone.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from parkdata import paths
from parkdata.contract.indicator_catalog import catalog_yaml, default_catalog, read_catalog
from parkdata.contract.panel import Panel
from parkdata.contract.schema import packaged_text
from parkdata.files import file_hash, write_atomic, write_parquet_atomic, write_text_atomic
from parkdata.inputs.building import build_panel
from parkdata.inputs.sources import MANIFEST, input_files
from parkdata.version import __version__

TABLE_FILES = ("parks", "memberships", "observations", "targets", "issues", "files")
CATALOG_EXTRA = "catalog_extra.yaml"
"""The indicators a processed folder was built with beyond the shipped catalog."""


def _name(path: Path, root: Path) -> str:
    """How an input is keyed in the fingerprint: relative to its folder (bundled ones marked)."""
    bundled = paths.BUNDLED_RAW_DIR.resolve()
    resolved = path.resolve()
    if root.resolve() != bundled and resolved.is_relative_to(bundled):
        return "bundled/" + str(resolved.relative_to(bundled))
    return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)


def input_fingerprint(files: Sequence[Path], root: Path) -> dict[str, object]:
    """What the processed data depends on: every input's hash (bundled ones included when they
    are read), the shipped catalog's and vocabulary's hashes, the library version."""
    shipped = "".join(packaged_text(name) for name in ("catalog.yaml", "vocab.yaml"))
    return {
        "parkdata_version": __version__,
        "catalog_sha256": hashlib.sha256(shipped.encode("utf-8")).hexdigest(),
        "inputs": {_name(f, root): file_hash(f) for f in files},
    }


@dataclass
class IngestResult:
    """What an ingest run did."""

    panel: Panel | None
    skipped: bool
    out_dir: Path

    def describe(self) -> str:
        """A short human summary."""
        if self.skipped or self.panel is None:
            return f"nothing changed since the last ingest; {self.out_dir} is up to date"
        files = self.panel.files.assign(file=self.panel.files["file"].map(lambda f: Path(f).name))
        counts = ["read", "loaded", "rejected", "repeated", "empty"]
        table = files.set_index("file")[["table", *counts]]
        total = table[counts].sum().to_frame("total").T.assign(table="")
        lines = [pd.concat([table, total]).to_string()]
        n_err = len(self.panel.errors())
        n_warn = len(self.panel.issues) - n_err
        if n_warn:
            lines.append(
                f"{n_warn} warning(s), e.g. targets kept that cannot be assessed yet (no year in "
                f"the source) or repeats dropped; see {self.out_dir / 'issues.csv'}"
            )
        if n_err:
            lines.append(f"{n_err} problem(s); each is listed in {self.out_dir / 'issues.csv'}")
        return "\n".join(lines)


def _matches(out_dir: Path, fingerprint: dict[str, object]) -> bool:
    """True when ``out_dir``'s manifest records exactly this fingerprint and its tables exist."""
    manifest = out_dir / MANIFEST
    try:
        stored = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return False
    return all(stored.get(k) == v for k, v in fingerprint.items()) and all(
        (out_dir / f"{t}.parquet").exists() for t in TABLE_FILES
    )


def ingest(
    raw_dir: Path, out_dir: Path, force: bool = False, bundled: bool | None = None
) -> IngestResult:
    """Build ``out_dir`` from ``raw_dir``; skip when inputs are unchanged (unless ``force``).

    ``raw_dir`` is read by the one bundled-data rule (:mod:`parkdata.inputs.sources`): a folder
    without its own parks file is read on top of the bundled data.
    """
    files = input_files(raw_dir, bundled)
    fingerprint = input_fingerprint(files, raw_dir)  # every input hashed once
    if not force and _matches(out_dir, fingerprint):
        return IngestResult(None, True, out_dir)
    panel = build_panel(files, errors="skip")
    write_processed(panel, out_dir, fingerprint)
    return IngestResult(panel, False, out_dir)


def write_processed(panel: Panel, out_dir: Path, fingerprint: dict[str, object]) -> None:
    """Write a panel's tables as Parquet with a manifest recording ``fingerprint`` (atomic)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    tables: dict[str, pd.DataFrame] = {
        "parks": panel.parks,
        "memberships": panel.memberships,
        "observations": panel.observations,
        "targets": panel.targets,
        "issues": panel.issues.astype({"row": "Int64"}).astype(
            {c: "str" for c in ("file", "sheet", "column", "value", "problem", "fix")}
        ),
        "files": panel.files,
    }
    for name, frame in tables.items():
        write_parquet_atomic(out_dir / f"{name}.parquet", frame)
    write_atomic(
        out_dir / "issues.csv", lambda p: panel.issues.to_csv(p, index=False, encoding="utf-8-sig")
    )
    write_text_atomic(out_dir / CATALOG_EXTRA, catalog_yaml(panel.catalog.extra))
    summary = {**fingerprint, "rows": {k: len(v) for k, v in tables.items()}}
    write_text_atomic(out_dir / MANIFEST, json.dumps(summary, ensure_ascii=False, indent=1))


def read_processed(out_dir: Path) -> Panel:
    """Read a processed folder back into a Panel (no re-validation: it was checked on ingest)."""
    tables = {t: pd.read_parquet(out_dir / f"{t}.parquet") for t in TABLE_FILES}
    catalog = default_catalog()
    extra = out_dir / CATALOG_EXTRA
    if extra.exists():
        catalog = catalog.with_extra(read_catalog(extra.read_text(encoding="utf-8"), str(extra)))
    return Panel(
        catalog=catalog,
        parks=tables["parks"],
        memberships=tables["memberships"],
        observations=tables["observations"],
        targets=tables["targets"],
        issues=tables["issues"],
        files=tables["files"],
    )
