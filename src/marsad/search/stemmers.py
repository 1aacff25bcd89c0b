"""Stemmers for search: Lucene's light stemmer, and Marsad's guarded version of it.

Both take a word already normalized by `marsad.text.normalize` (so ة is ه and ى is ي, as in
Lucene, where the stemmer runs after its normalization filter) and return its search term.

Why not a library: PyStemmer's Snowball Arabic stemmer cuts one-letter proclitics off names
(بوتين → وتين, بيسكوف → يسكوف), ISRI reduces words to roots (too aggressive for search), and
tashaphyne is slow and unguarded; `bench/search_quality.py` measures all of them. Lucene's rules
are not packaged for Python, so they are written here from its documentation, with its test
vectors as tests.
"""

from __future__ import annotations

from collections.abc import Collection

from marsad.search.lexicon import Lexicon, lexicon

# Lucene ArabicStemmer: at most one prefix (first match wins), then every suffix in turn.
ARTICLE_PREFIXES = ("ال", "وال", "بال", "كال", "فال", "لل")
LUCENE_PREFIXES = (*ARTICLE_PREFIXES, "و")
SUFFIXES = ("ها", "ان", "ات", "ون", "ين", "يه", "ية", "ه", "ة", "ي")
_SUFFIX_RULES = tuple((suffix, len(suffix)) for suffix in SUFFIXES)


PrefixRules = tuple[tuple[str, int, int], ...]  # (prefix, its length, shortest word it comes off)


def _rules(prefixes: tuple[str, ...]) -> PrefixRules:
    # a one-letter prefix needs a 4-letter word, the others leave at least 2 letters
    return tuple((prefix, len(prefix), 4 if len(prefix) == 1 else len(prefix) + 2) for prefix in prefixes)


_ARTICLE_RULES = _rules(ARTICLE_PREFIXES)
_LUCENE_RULES = _rules(LUCENE_PREFIXES)
_INNER_ARTICLE_RULES = _rules(("ال", "بال", "كال", "لل"))


def _strip_prefix(word: str, rules: PrefixRules) -> str:
    """The word without the first prefix that comes off (lengths computed once: every distinct
    word of a corpus goes through here, several times)."""
    size = len(word)
    for prefix, length, shortest in rules:
        if size >= shortest and word.startswith(prefix):
            return word[length:]
    return word


def light_stem(word: str) -> str:
    """Lucene's Arabic light stemmer (Larkey, Ballesteros & Connell, 2007), rule for rule."""
    stem = _strip_prefix(word, _LUCENE_RULES)
    for suffix, length in _SUFFIX_RULES:
        if len(stem) >= length + 2 and stem.endswith(suffix):
            stem = stem[:-length]
    return stem


def strip_article(word: str) -> str:
    """The word without a definite article and what may stack before it (و، ف، ب، ك، ل)."""
    if word[:1] in ("و", "ف") and len(word) > 4:
        inner = _strip_prefix(word[1:], _INNER_ARTICLE_RULES)
        if inner != word[1:]:
            return inner
    return _strip_prefix(word, _ARTICLE_RULES)


def without_article(word: str, bound: Collection[str]) -> str:
    """The word with its article and what stacks before it taken off, except where the ال is
    the word's own: before two letters (الحج، آلاف → الاف: too short to tell), or a word the
    lexicon marks as article-bound (ألمانيا → المانيا). Then only what came before the ال goes."""
    stem = strip_article(word)
    if stem != word and (len(stem) <= 2 or stem in bound):
        return "ال" + stem
    return stem


RULES_VERSION = 3  # bump with any change to the rules below: indexes built before are rebuilt
ALTERNATIVE_MIN = 1000  # per billion words: a whole word this common is a reading of its own


class GuardedStemmer:
    """Lucene's light stemmer with guards from word frequencies, so names stay whole.

    - Articles (ال، وال، بال، لل…, also stacked: وبال، وللـ) go, as in Lucene, unless the ال is
      part of the word (آلاف and ألمانيا fold to الاف and المانيا: بآلاف → الاف).
    - A one-letter proclitic (و، ف، ب، ك، ل, up to two: وب، فل…) goes only when the rest is at least
      as frequent a word as the whole: ومصر → مصر, but بوتين, وليد, لبنان stay.
    - Suffixes go as in Lucene, but leave at least three letters (جدة، غزة، مكة stay whole), and
      not from a word the lexicon marks as a name-like ending (بوتين is not بوت+ين, حسين is not
      حس+ين); see tools/build_lexicon.py.
    Words the lexicon does not know fall back to Lucene's rules.
    """

    def __init__(self, words: Lexicon | None = None) -> None:
        self.lexicon = words if words is not None else lexicon()

    def __call__(self, word: str) -> str:
        return self.strip_suffixes(self.strip_clitics(word))

    def strip_suffixes(self, stem: str) -> str:
        """The term of a word whose clitics are off (`strip_clitics`): its suffixes off too."""
        if stem in self.lexicon.whole:
            return stem
        for suffix, length in _SUFFIX_RULES:
            # three letters must stay (Lucene: two): مكة، جدة، غزة are not مك، جد، غز
            if len(stem) >= length + 3 and stem.endswith(suffix):
                stem = stem[:-length]
        return stem

    def alternative(self, word: str) -> str | None:
        """The other reading of a query word whose first letter was taken for a proclitic though
        the whole word is common too (بلدية: ب + لديه, or the word بلدية): a query looks for both."""
        if word[:1] not in "بكل" or self.strip_clitics(word) == word:
            return None  # و and ف are near enough always conjunctions; articles are not ambiguous
        if without_article(word, self.lexicon.article_bound) != word:
            return None
        if self.lexicon.frequency.get(word, 0) < ALTERNATIVE_MIN:
            return None
        return self.strip_suffixes(word)

    def strip_clitics(self, word: str) -> str:
        """The word without its article and proclitics, suffixes kept: its "exact" form, which
        ranks a hit with the very word typed (اتفاق) above one with a relative (اتفاقية)."""
        stem = self.strip_article(word)
        return self._strip_proclitics(word) if stem == word else stem

    def strip_article(self, word: str) -> str:
        """The word without its article (and what stacks before it), where it has one."""
        return without_article(word, self.lexicon.article_bound)

    @staticmethod
    def proclitic_cuts(word: str) -> list[str]:
        """The word less each proclitic it may start with (و/ف, then ب/ك/ل; or ب/ك/ل alone),
        shortest cut first, each of at least three letters: the candidates a guard chooses from."""
        candidates = []
        if word[:1] in "وف":
            candidates.append(word[1:])
            if word[1:2] in "بكل":
                candidates.append(word[2:])
        elif word[:1] in "بكل":
            candidates.append(word[1:])
        return [c for c in candidates if len(c) >= 3]

    def _strip_proclitics(self, word: str) -> str:
        frequency = self.lexicon.frequency
        candidates = self.proclitic_cuts(word)
        if not candidates:
            return word
        best = max(candidates, key=lambda c: frequency.get(c, 0))
        known, whole = frequency.get(best, 0), frequency.get(word, 0)
        if known or whole:
            return best if known >= whole else word
        return word[1:] if word[0] == "و" and len(word) >= 4 else word  # unknown: Lucene's rule
