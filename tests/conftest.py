"""Shared fixtures: where the shared data lives, and a skip with a reason when it does not."""

from __future__ import annotations

from pathlib import Path

import pytest

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
