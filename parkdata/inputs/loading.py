"""``pkd.load``: the bundled data, your files on top of it, or a processed folder, as a Panel."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from parkdata.contract.panel import Panel
from parkdata.inputs.building import build_panel
from parkdata.inputs.sources import input_files, is_processed_dir
from parkdata.inputs.store import IncompleteProcessedError, has_processed_leftovers, read_processed


def load(
    path: str | Path | Sequence[str | Path] | None = None,
    *,
    bundled: bool | None = None,
    errors: str = "raise",
) -> Panel:
    """Load a Panel: the bundled real data by default, or your own files or folder.

    Which files are read follows the one rule of :mod:`parkdata.inputs.sources`: data without a
    parks file of its own is read on top of the bundled data (so observations for the bundled
    parks need nothing else); data with one stands alone; ``bundled=True`` / ``False`` overrides.
    A processed folder (``manifest.json`` + Parquet from ``parkdata ingest``) is read as it is;
    one whose tables and manifest do not belong together (a killed ingest) is refused with
    :class:`~parkdata.inputs.store.IncompleteProcessedError`, never read half old, half new.

    >>> import parkdata as pkd
    >>> panel = pkd.load()
    >>> panel.targets.query("park_id == 'hukou_hitech'").shape[0] > 0
    True
    """
    if path is not None and not isinstance(path, (str, Path)) and len(path) == 1:
        path = path[0]
    if isinstance(path, (str, Path)) and is_processed_dir(Path(path)):
        return read_processed(Path(path))
    if isinstance(path, (str, Path)) and has_processed_leftovers(Path(path)):
        raise IncompleteProcessedError(Path(path), "no manifest.json")
    return build_panel(input_files(path, bundled), errors=errors)
