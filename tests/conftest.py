"""Shared fixtures: the bundled panel (loaded once) and paths to test inputs."""

from __future__ import annotations

from pathlib import Path

import pytest

import parkdata as pkd

TESTS = Path(__file__).parent
FORMATS = TESTS / "fixtures" / "formats"
BAD = TESTS / "bad_inputs"


@pytest.fixture(scope="session")
def panel() -> pkd.Panel:
    """The bundled real data, loaded strictly (any contract error fails the run)."""
    return pkd.load()


@pytest.fixture(scope="session")
def catalog() -> pkd.Catalog:
    return pkd.default_catalog()
