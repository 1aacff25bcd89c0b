"""The word-frequency lexicon behind the stemmer's guards, shipped inside the package.

Built once by `tools/build_lexicon.py` from wordfreq's Arabic list (web, news, subtitles,
Wikipedia), so stemming never depends on what happens to be in the archive: a term indexed
today is the term a query makes tomorrow. Words are normalized and grouped without their
definite article (الرئيس and رئيس count together).
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from functools import cache
from importlib import resources

LEXICON_FILE = "lexicon.tsv.gz"


@dataclass(frozen=True, slots=True)
class Lexicon:
    frequency: dict[str, int]  # normalized word (no article) → occurrences per billion words
    whole: frozenset[str]  # words ending like a plural/dual that are not one: kept whole (mostly names)
    article_bound: frozenset[str]  # r where "ال" + r is one word (آلاف → الاف, not ال + اف)
    version: str  # changes whenever the file does; the search index records it


def parse_lexicon(data: bytes) -> Lexicon:
    frequency: dict[str, int] = {}
    whole: set[str] = set()
    bound: set[str] = set()
    lines = data.decode("utf-8").splitlines()
    version = lines[0].removeprefix("# version ").strip()
    for line in lines[1:]:
        if not line or line.startswith("#"):
            continue
        word, count, keep, article = line.split("\t")
        frequency[word] = int(count)
        if keep == "1":
            whole.add(word)
        if article == "1":
            bound.add(word)
    return Lexicon(frequency, frozenset(whole), frozenset(bound), version)


@cache
def lexicon() -> Lexicon:
    data = resources.files("marsad.search").joinpath(LEXICON_FILE).read_bytes()
    return parse_lexicon(gzip.decompress(data))
