"""Build src/marsad/search/lexicon.tsv.gz from wordfreq's Arabic word list.

Run: uv run python tools/build_lexicon.py   (wordfreq is in the `bench` dependency group)

For every normalized word without its article: its frequency, and whether the stemmer keeps it
whole. Names that end like a plural or a dual (بوتين، حسين، فلسطين، لبنان، عثمان) are what Lucene's
suffix rules break; a real plural or dual has siblings (مسلمين: مسلمون، مسلمة، مسلمات) while a
name has none (بوتون، بوتات are not words), and what a cut would leave is a rare or unrelated
word (بوت، حس، لبن). A word ending in ين/ان/ون is kept whole when its
siblings are rarer than SIBLING_SHARE of the word itself (بيان، قانون، سلمان، ياسين: the remainder
may be a common word, but the other endings are not), or when siblings and bare remainder
together are rarer than REMAINDER_SHARE of it (بوتين: بوتان exists, but بوت is rare). Nouns whose
ان is part of the stem (بيان، قانون، برلمان), which Lucene cuts, stay whole too, while مسلمين → مسلم
and مواطنين → مواطن are still stemmed.
"""

from __future__ import annotations

import gzip
import hashlib
import re
import sys
from collections import Counter
from pathlib import Path

import wordfreq

from marsad.search.stemmers import SUFFIXES, without_article
from marsad.text.normalize import normalize

OUT = Path(__file__).resolve().parents[1] / "src" / "marsad" / "search" / "lexicon.tsv.gz"
MIN_PER_BILLION = 50  # rarer words add megabytes and barely any decisions
SIBLING_SHARE = 0.1
REMAINDER_SHARE = 0.5
GUARDED = ("ين", "ان", "ون")
SIBLINGS = ("ين", "ان", "ون", "ات")
ARTICLE_BOUND = 50  # "ال" + r at least this many times as frequent as r: the ال is part of the word
ARABIC_WORD = re.compile(r"^[\u0621-\u064a]{2,}$")


def is_name_like(word: str, counts: Counter[str]) -> bool:
    ending = next((s for s in GUARDED if word.endswith(s)), None)
    if ending is None or len(word) < 4:
        return False
    root = word[: -len(ending)]
    siblings = sum(counts.get(root + s, 0) for s in SIBLINGS if s != ending)
    whole = counts[word]
    return siblings < SIBLING_SHARE * whole or siblings + counts.get(root, 0) < REMAINDER_SHARE * whole


def article_bound(forms: Counter[str]) -> set[str]:
    """Words whose leading ال is not an article: after hamza folding آلاف and ألمانيا read as
    ال+اف and ال+مانيا. Their bare remainder is rare next to the whole (اف، مانيا), unlike a real
    article's (رئيس beside الرئيس). Words with an inflection ending are left out: the bare
    plural (ناخبين) must still stem like the one with the article (الناخبين)."""
    return {
        word[2:]
        for word, count in forms.items()
        if word.startswith("ال")
        and len(word) >= 5
        and count >= MIN_PER_BILLION
        and count >= ARTICLE_BOUND * forms.get(word[2:], 0)
        and not word.endswith(SUFFIXES)
    }


def build() -> bytes:
    forms: Counter[str] = Counter()
    for word, share in wordfreq.get_frequency_dict("ar", wordlist="large").items():
        normalized = normalize(word)
        if ARABIC_WORD.match(normalized):
            forms[normalized] += share * 1e9
    bound = article_bound(forms)
    counts: Counter[str] = Counter()
    for word, count in forms.items():
        counts[without_article(word, bound)] += count
    rows = []
    for word, count in sorted(counts.items()):
        if count >= MIN_PER_BILLION or word in bound:
            rows.append(f"{word}\t{round(count)}\t{int(is_name_like(word, counts))}\t{int(word in bound)}")
    body = "\n".join(rows) + "\n"
    version = hashlib.blake2b(body.encode(), digest_size=6).hexdigest()
    header = f"# version {version}\n# word\tper_billion\tkeep_whole\tarticle_bound (tools/build_lexicon.py)\n"
    return gzip.compress((header + body).encode("utf-8"), mtime=0)


if __name__ == "__main__":
    data = build()
    OUT.write_bytes(data)
    print(f"wrote {OUT} ({len(data) / 1e6:.1f} MB)", file=sys.stderr)
