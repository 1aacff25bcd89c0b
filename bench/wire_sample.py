"""Draw the hand-labelled evaluation sample for wire-agency attribution (tests/data/wire_labels.tsv).

The sample is 260 records: 130 from SaudiNewsNet and 130 from ANT. In each corpus, two strata of 65:

- ``uniform``: drawn uniformly at random among the records with non-empty text;
- ``alias``: drawn at random among the records (non-empty text, not already drawn) whose text or
  author field mentions an agency alias anywhere (`AGENCY_ALIASES`), matched loosely: both sides
  are folded (أإآ→ا, ى→ي, ة→ه, tashkeel and tatweel removed), an alias may carry a proclitic
  (و ف ب ل ك, «لل» for «ال»), spaced/dotted letter aliases («أ ف ب», «أ.ف.ب») match with any run of
  spaces or dots between the letters, and an alias must not sit inside a longer word.
  This stratum holds the hard cases: an agency cited inside a sentence against a real credit.

Selection is deterministic (`SEED`, one `random.Random` per corpus, candidates in file order), so
the keys in the labels file can always be re-derived from the data. Record keys:
``saudinewsnet/<zip name>#<index in the JSON array>`` and ``ant#<0-based line number>``.

    python3 bench/wire_sample.py                 # the 260 keys: key, outlet, stratum (tab-separated)
    python3 bench/wire_sample.py --out FILE      # the same, written to FILE
    python3 bench/wire_sample.py --show KEY      # one record in full, for a human to read and label

Only the standard library is used (and bench/common.py, which loads nothing else); the data
directory defaults to ../shared/data next to the repo.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from common import ANT, MARKS, SAUDINEWSNET, SEED, SHARED_DATA, ant_records, day_records, saudinewsnet_records

PER_STRATUM = 65

AGENCY_ALIASES: dict[str, tuple[str, ...]] = {
    "AFP": ("آ ف ب", "أ ف ب", "ا ف ب", "أ.ف.ب", "فرانس برس", "فرانس بريس", "وكالة الصحافة الفرنسية", "AFP"),
    "Reuters": ("رويترز", "رويتر"),
    "AP": ("أسوشيتد برس", "اسوشيتد برس", "أسوشييتد برس", "أ ب", "AP"),
    "WAM": ("وام", "وكالة أنباء الإمارات"),
    "SPA": ("واس", "وكالة الأنباء السعودية"),
    "QNA": ("قنا",),
    "KUNA": ("كونا",),
    "MENA": ("أ ش أ", "وكالة أنباء الشرق الأوسط"),
    "Anadolu": ("الأناضول",),
    "DPA": ("د ب أ", "الألمانية"),
    "Xinhua": ("شينخوا",),
    "BNA": ("بنا",),
    "ONA": ("العمانية",),
    "Petra": ("بترا",),
    "SANA": ("سانا",),
    "INA": ("واع",),
    "APS": ("واج",),
    "MAP": ("لاماب",),
    "TAP": ("وات",),
    "SUNA": ("سونا",),
    "WAFA": ("وفا",),
    "NNA": ("الوكالة الوطنية للإعلام",),
    "IRNA": ("إرنا",),
    "TASS": ("تاس",),
    "RIA": ("نوفوستي",),
    "EFE": ("إفي",),
    "ANSA": ("آكي", "أنسا"),
    "UPI": ("يونايتد برس",),
    "Bloomberg": ("بلومبرغ", "بلومبيرغ"),
}

_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه"})
_LETTER = r"A-Za-z\u0621-\u064a\u0671-\u06d3"


def fold(text: str) -> str:
    """Fold Arabic spelling variants: hamza'd alefs to ا, ى to ي, ة to ه; drop tashkeel and tatweel."""
    return MARKS.sub("", text).translate(_FOLD)


def _alias_body(alias: str) -> str:
    """The regex for one folded alias, without its boundaries."""
    parts = [p for p in re.split(r"[\s.]+", alias) if p]
    if len(parts) > 1 and all(len(p) == 1 for p in parts):
        return r"[\s.]+".join(re.escape(p) for p in parts)
    body = r"\s+".join(re.escape(p) for p in parts)
    if len(parts) == 1 and alias.startswith("ال"):
        body = rf"(?:{body}|لل{re.escape(alias[2:])})"
    return body


def _alias_regex() -> re.Pattern[str]:
    folded = sorted({fold(a) for aliases in AGENCY_ALIASES.values() for a in aliases}, key=len, reverse=True)
    latin = "|".join(re.escape(a) for a in folded if a.isascii())
    arabic = "|".join(_alias_body(a) for a in folded if not a.isascii())
    return re.compile(
        rf"(?<![A-Za-z])(?:{latin})(?![A-Za-z])|(?<![{_LETTER}])[وف]?[بلك]?(?:{arabic})(?![{_LETTER}])"
    )


ALIAS_RE = _alias_regex()


def mentions_alias(*fields: str) -> bool:
    """True when any field mentions any agency alias (loose match, see the module docstring)."""
    return any(ALIAS_RE.search(fold(f)) for f in fields if f)


@dataclass(frozen=True)
class Record:
    key: str
    outlet: str
    title: str
    author: str
    text: str


def _record(key: str, row: dict[str, str], outlet: str, text: str) -> Record:
    """A record from a corpus row; `outlet` and `text` name the corpus's own fields."""
    fields = (row.get(name) or "" for name in (outlet, "title", "author", text))
    return Record(key, *fields)


def iter_saudinewsnet(data: Path) -> Iterator[Record]:
    """Every SaudiNewsNet record, zips in name order, records in array order."""
    for path, i, row in saudinewsnet_records(data / SAUDINEWSNET.name):
        yield _record(f"{SAUDINEWSNET.name}/{path.name}#{i}", row, "source", "content")


def iter_ant(data: Path) -> Iterator[Record]:
    """Every ANT record, in line order."""
    for i, row in ant_records(data / ANT.relative_to(SHARED_DATA)):
        yield _record(f"ant#{i}", row, "outlet", "text")


def draw(records: Iterator[Record], corpus: str, seed: int = SEED) -> list[tuple[Record, str]]:
    """One corpus's sample: `PER_STRATUM` uniform records, then `PER_STRATUM` alias-mentioning ones."""
    eligible: list[Record] = []
    with_alias: list[int] = []
    for rec in records:
        if not rec.text.strip():
            continue
        if mentions_alias(rec.text, rec.author):
            with_alias.append(len(eligible))
        eligible.append(rec)
    rng = random.Random(f"{seed}:{corpus}")
    uniform = rng.sample(range(len(eligible)), PER_STRATUM)
    taken = set(uniform)
    alias = rng.sample([i for i in with_alias if i not in taken], PER_STRATUM)
    return [(eligible[i], "uniform") for i in uniform] + [(eligible[i], "alias") for i in alias]


def sample(data: Path = SHARED_DATA, seed: int = SEED) -> list[tuple[Record, str]]:
    """The whole sample: SaudiNewsNet's 130 then ANT's 130, each as (record, stratum)."""
    return draw(iter_saudinewsnet(data), "saudinewsnet", seed) + draw(iter_ant(data), "ant", seed)


def find(data: Path, key: str) -> Record:
    """The record with this key, read straight from its file."""
    if key.startswith("ant#"):
        line = int(key.split("#", 1)[1])
        for i, rec in enumerate(iter_ant(data)):
            if i == line:
                return rec
        raise KeyError(key)
    path, _, index = key.partition("#")
    return _record(key, day_records(data / path)[int(index)], "source", "content")


def show(rec: Record) -> str:
    """One record laid out for reading: key, outlet, title, author, then the full text."""
    return (
        f"=== {rec.key}\noutlet: {rec.outlet}\ntitle:  {rec.title}\nauthor: {rec.author}\n"
        f"--- text\n{rec.text}\n"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=SHARED_DATA, help="the shared data directory")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--show", metavar="KEY", nargs="+", help="print these records in full")
    parser.add_argument("--out", type=Path, help="also write the key list (TSV) to this file")
    args = parser.parse_args(argv)
    if args.show:
        for key in args.show:
            sys.stdout.write(show(find(args.data, key)) + "\n")
        return 0
    lines = [f"{rec.key}\t{rec.outlet}\t{stratum}" for rec, stratum in sample(args.data, args.seed)]
    sys.stdout.write("\n".join(lines) + "\n")
    if args.out:
        args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
