"""The input every detector in bench/dedup_speed.py reads: JSON Lines of {"id": index, "text": …}.

Plain Python only: the anchors import it from their own virtual environments, Marsad's worker
from this project's.
"""

from __future__ import annotations

import json
from pathlib import Path


def read_input(path: str | Path) -> tuple[list[int], list[str]]:
    """(ids, texts) in file order."""
    ids: list[int] = []
    texts: list[str] = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            ids.append(int(record["id"]))
            texts.append(record["text"])
    return ids, texts
