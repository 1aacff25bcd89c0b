"""Derive the place-name gazetteer datelines are read with (`segment/places.txt`).

A dateline says where a story was filed ("نجران - علي الحياني", "واس - جدة"), and telling that
place from a writer's name ("جعفر الصفار - القطيف") needs to know places. No Arabic gazetteer
ships on PyPI under a licence we can bundle, so the list is derived from data we have:
- every location ANERcorp tags (B-LOC/I-LOC), and
- the bylines of the news corpora in ../shared/data (SaudiNewsNet, ANT): the part of a byline
  next to a wire agency is the place the agency filed from ("الرياض - واس", "واس (جدة)",
  "لندن - د ب أ"), kept when seen at least twice,
plus the hand-written list in `places_extra.txt` (Saudi towns the two sources miss).

    uv run python tools/build_places.py            # writes src/marsad/segment/places.txt
"""

from __future__ import annotations

import collections
import gzip
import json
import re
import zipfile
from pathlib import Path

from marsad.segment.agencies import find_agencies
from marsad.text import normalize

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
OUT = ROOT / "src" / "marsad" / "segment" / "places.txt"
EXTRA = ROOT / "tools" / "places_extra.txt"
_SPLIT = re.compile(r"\s*(?:[-–—:/|()«»\"]|\s\u0640+\s)\s*")
_LETTERS = re.compile(r"^[\u0621-\u064a ]+$")


def anercorp_places() -> set[str]:
    found: set[str] = set()
    for name in ("train.txt", "test.txt"):
        current: list[str] = []
        for line in (DATA / "anercorp" / name).read_text("utf-8").splitlines():
            parts = line.split()
            tag = parts[1] if len(parts) == 2 else "O"
            if tag == "I-LOC" and current:
                current.append(parts[0])
                continue
            if current:
                found.add(" ".join(current))
            current = [parts[0]] if tag == "B-LOC" else []
        if current:
            found.add(" ".join(current))
    return found


def bylines() -> list[str]:
    values: list[str] = []
    for path in sorted((DATA / "saudinewsnet").glob("*.zip")):
        with zipfile.ZipFile(path) as archive:
            for record in json.loads(archive.read(archive.namelist()[0])):
                values.append(record.get("author") or "")
    with gzip.open(DATA / "ant" / "ant_v2_1.jsonl.gz", "rt", encoding="utf-8") as lines:
        values.extend(json.loads(line).get("author") or "" for line in lines)
    return values


def byline_places(values: list[str]) -> set[str]:
    """Parts of a byline that stand next to an agency: where the agency filed from."""
    counts: collections.Counter[str] = collections.Counter()
    for value in values:
        parts = [p.strip() for p in _SPLIT.split(value.replace("\xa0", " ")) if p.strip()]
        if len(parts) != 2:
            continue
        agency = [bool(find_agencies(part)) and len(part.split()) <= 4 for part in parts]
        if agency.count(True) != 1:
            continue
        other = parts[agency.index(False)]
        if _LETTERS.match(normalize(other)) and len(other.split()) <= 3:
            counts[other] += 1
    return {place for place, n in counts.items() if n >= 2}


def main() -> None:
    extra = {
        line.strip()
        for line in EXTRA.read_text("utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    places = {normalize(p) for p in anercorp_places() | byline_places(bylines()) | extra}
    places = {p for p in places if _LETTERS.match(p) and len(p) >= 2}
    header = (
        "# Place names for reading datelines (normalized). Built by tools/build_places.py: do not edit.\n"
    )
    OUT.write_text(header + "\n".join(sorted(places)) + "\n", "utf-8")
    print(f"{len(places)} places → {OUT}")


if __name__ == "__main__":
    main()
