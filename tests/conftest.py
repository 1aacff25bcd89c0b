"""Shared fixtures: where the shared data lives, and a skip with a reason when it does not."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from marsad.model import Page
from marsad.read import read_paths
from tests.postgres import postgres_server, postgres_url  # noqa: F401  (fixtures for every test)

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


def shared_path(*parts: str) -> Path:
    """A path under ../shared, or a skip that says what is missing and why it matters."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"../shared/{'/'.join(parts)} not present: this test reads the shared real data")
    return path


@pytest.fixture
def seeds() -> list[Path]:
    return sorted(shared_path("seeds").glob("*.txt"))


@cache
def _pages_of(path: Path) -> dict[int, Page]:
    """Every record of one shared corpus file as Marsad reads it, by its index in the file."""
    return {int(p.source.rsplit("#", 1)[1]): p for p in read_paths([str(path)]) if isinstance(p, Page)}


def shared_record(key: str) -> Page:
    """One record of ../shared/data read by Marsad's own reader: "saudinewsnet/2015-07-21.zip#12"
    (index in the day's array) or "ant#6607" (line of the ANT file)."""
    if key.startswith("ant#"):
        path, index = shared_path("data", "ant", "ant_v2_1.jsonl.gz"), key[4:]
    else:
        name, _, index = key.partition("#")
        path = shared_path("data", *name.split("/"))
    return _pages_of(path)[int(index)]
