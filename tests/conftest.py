"""Shared fixtures: the bundled panel (loaded once) and paths to test inputs; the long tests
(batches, kernels, notebooks) are collected first."""

from __future__ import annotations

from pathlib import Path

import pytest

import parkdata as pkd

TESTS = Path(__file__).parent
LONG_MARKERS = ("chaos", "notebook", "slow", "browser")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Long tests first (stable otherwise): the test workers start with them, so the run never
    ends with one worker on a minute-long batch while the other idles. Order only: every test
    still runs, and each stays independent of the others."""
    long = {
        item.path for item in items if any(item.get_closest_marker(m) for m in LONG_MARKERS)
    }  # whole files, so a file's module-scoped fixtures are still built once
    items.sort(key=lambda item: item.path not in long)


FORMATS = TESTS / "fixtures" / "formats"
BAD = TESTS / "bad_inputs"


@pytest.fixture(scope="session")
def panel() -> pkd.Panel:
    """The bundled real data, loaded strictly (any contract error fails the run)."""
    return pkd.load()


@pytest.fixture(scope="session")
def catalog() -> pkd.Catalog:
    return pkd.default_catalog()
