"""Derive the named-entity tagger's gazetteer (`enrich/gazetteer.tsv.gz`): `type<TAB>name` lines.

No Arabic gazetteer ships on PyPI under a licence we can bundle, so names come from data we
have, read by Marsad itself:
- PERS: the writers Marsad's segmenter reads off the bylines and datelines of SaudiNewsNet and
  ANT («أحمد علي- سبق- القاهرة:» → أحمد علي), seen at least twice;
- LOC: the places those datelines were filed from (seen at least twice), the agency-byline places
  of tools/build_places.py, and its hand-written Saudi places (places_extra.txt);
- FIRST: given names, the first word of three or more of those writers' names (أحمد، فاطمة);
- ORG: the wire agencies' names (segment/agencies.toml) and the outlets' (segment/outlets.toml);
- all types: tools/ner_gazetteer_extra.tsv (countries, capitals, seas, international bodies).
ANERcorp is not read (segment/places.txt holds its test part's places: it is left out too).

    uv run python tools/build_ner_gazetteer.py [--data ../shared/data] [--out PATH]
"""

from __future__ import annotations

import argparse
import collections
import gzip
import re
import tomllib
from importlib import resources
from pathlib import Path

from build_places import EXTRA, byline_places, bylines

from marsad.model import Page
from marsad.read import read_paths
from marsad.segment import find_agencies, segment

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
OUT = ROOT / "src" / "marsad" / "enrich" / "gazetteer.tsv.gz"
HAND = ROOT / "tools" / "ner_gazetteer_extra.tsv"
_ARABIC_NAME = re.compile(r"^[\u0621-\u064a]+(?: [\u0621-\u064a]+)*$")
MIN_SEEN = 2
FIRST_NAMES_SEEN = 3


def segmented_fields(data: Path) -> tuple[collections.Counter[str], collections.Counter[str]]:
    """(writers, places) as Marsad's segmenter reads them from every page of both corpora."""
    writers: collections.Counter[str] = collections.Counter()
    places: collections.Counter[str] = collections.Counter()
    paths = [*sorted((data / "saudinewsnet").glob("*.zip")), data / "ant" / "ant_v2_1.jsonl.gz"]
    for page in read_paths([str(p) for p in paths]):
        if not isinstance(page, Page):
            continue
        for article in segment(page).articles:
            writers.update(a.strip() for a in article.authors)
            if article.place:
                places[article.place.strip()] += 1
    return writers, places


def table_names() -> set[str]:
    """Arabic names of the wire agencies and the outlets."""
    segment_data = resources.files("marsad.segment")
    agencies = tomllib.loads(segment_data.joinpath("agencies.toml").read_text("utf-8"))
    outlets = tomllib.loads(segment_data.joinpath("outlets.toml").read_text("utf-8"))
    names = {alias for entry in agencies.values() for alias in entry.get("aliases", [])}
    names |= {name for entry in outlets.values() for name in entry.get("names", [])}
    return {name for name in names if _ARABIC_NAME.match(name)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()

    writers, dateline_places = segmented_fields(args.data)
    extra = {
        line.strip() for line in EXTRA.read_text("utf-8").splitlines() if line.strip() and line[0] != "#"
    }
    places = {p for p, n in dateline_places.items() if n >= MIN_SEEN} | byline_places(bylines()) | extra
    places = {p for p in places if _ARABIC_NAME.match(p)}
    orgs = table_names()
    people = {
        w
        for w, n in writers.items()
        if n >= MIN_SEEN
        and _ARABIC_NAME.match(w)
        and 2 <= len(w.split()) <= 4
        and not find_agencies(w)
        and not any(w == p or w.endswith(" " + p) for p in places | orgs)
    }
    # given names: the first word of at least FIRST_NAMES_SEEN different writers' names
    firsts = collections.Counter(w.split()[0] for w in people)
    given = {f for f, n in firsts.items() if n >= FIRST_NAMES_SEEN and f not in places | orgs}
    entries = {("LOC", p) for p in places} | {("ORG", o) for o in orgs} | {("PERS", p) for p in people}
    entries |= {("FIRST", f) for f in given}
    for line in HAND.read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            kind, name = line.split("\t")
            entries.add((kind, name.strip()))
    header = "# type\tname (tools/build_ner_gazetteer.py: do not edit)\n"
    body = "".join(f"{kind}\t{name}\n" for kind, name in sorted(entries))
    args.out.write_bytes(gzip.compress((header + body).encode(), mtime=0))
    counts = collections.Counter(kind for kind, _ in entries)
    print(f"{dict(sorted(counts.items()))} → {args.out} ({args.out.stat().st_size / 1e3:.0f} kB)")


if __name__ == "__main__":
    main()
