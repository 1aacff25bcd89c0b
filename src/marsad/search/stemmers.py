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

from marsad.search.lexicon import Lexicon, lexicon

# Lucene ArabicStemmer: at most one prefix (first match wins), then every suffix in turn.
ARTICLE_PREFIXES = ("ال", "وال", "بال", "كال", "فال", "لل")
LUCENE_PREFIXES = (*ARTICLE_PREFIXES, "و")
SUFFIXES = ("ها", "ان", "ات", "ون", "ين", "يه", "ية", "ه", "ة", "ي")


def _strip_prefix(word: str, prefixes: tuple[str, ...]) -> str:
    for prefix in prefixes:
        # a one-letter prefix needs a 4-letter word, the others leave at least 2 letters
        shortest = 4 if len(prefix) == 1 else len(prefix) + 2
        if len(word) >= shortest and word.startswith(prefix):
            return word[len(prefix) :]
    return word


def light_stem(word: str) -> str:
    """Lucene's Arabic light stemmer (Larkey, Ballesteros & Connell, 2007), rule for rule."""
    stem = _strip_prefix(word, LUCENE_PREFIXES)
    for suffix in SUFFIXES:
        if len(stem) >= len(suffix) + 2 and stem.endswith(suffix):
            stem = stem[: -len(suffix)]
    return stem


def strip_article(word: str) -> str:
    """The word without a definite article and what may stack before it (و، ف، ب، ك، ل)."""
    if word[:1] in ("و", "ف") and len(word) > 4:
        inner = _strip_prefix(word[1:], ("ال", "بال", "كال", "لل"))
        if inner != word[1:]:
            return inner
    return _strip_prefix(word, ARTICLE_PREFIXES)


class GuardedStemmer:
    """Lucene's light stemmer with guards from word frequencies, so names stay whole.

    - Articles (ال، وال، بال، لل…, also stacked: وبال، وللـ) always go, as in Lucene.
    - A one-letter proclitic (و، ف، ب، ك، ل, up to two: وب، فل…) goes only when the rest is at least
      as frequent a word as the whole: ومصر → مصر, but بوتين, وليد, لبنان stay.
    - Suffixes go as in Lucene unless the lexicon marks the word as dominating its stem's family
      (names: بوتين is not بوت+ين, حسين is not حس+ين); see tools/build_lexicon.py.
    Words the lexicon does not know fall back to Lucene's rules.
    """

    def __init__(self, words: Lexicon | None = None) -> None:
        self.lexicon = words if words is not None else lexicon()

    def __call__(self, word: str) -> str:
        stem = strip_article(word)
        if stem == word:
            stem = self._strip_proclitics(word)
        if stem in self.lexicon.whole:
            return stem
        for suffix in SUFFIXES:
            if len(stem) >= len(suffix) + 2 and stem.endswith(suffix):
                stem = stem[: -len(suffix)]
        return stem

    def _strip_proclitics(self, word: str) -> str:
        frequency = self.lexicon.frequency
        candidates = []
        if word[:1] in "وف":
            candidates.append(word[1:])
            if word[1:2] in "بكل":
                candidates.append(word[2:])
        elif word[:1] in "بكل":
            candidates.append(word[1:])
        candidates = [c for c in candidates if len(c) >= 3]
        if not candidates:
            return word
        best = max(candidates, key=lambda c: frequency.get(c, 0))
        known, whole = frequency.get(best, 0), frequency.get(word, 0)
        if known or whole:
            return best if known >= whole else word
        return word[1:] if word[0] == "و" and len(word) >= 4 else word  # unknown: Lucene's rule
