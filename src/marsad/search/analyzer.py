"""The search analyzer: text → terms, the same way for the index and for queries.

A chain in Lucene's manner: normalize (marsad.text) → words → drop stopwords → stem. The
stemmer is a parameter so that benchmarks can swap it; `default_analyzer()` is Marsad's choice.
Beside the stems, titles are also indexed in their "exact" forms (clitics off, inflection kept):
stems give recall (اتفاقية finds اتفاق), exact forms give precision in the ranking.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import cache
from importlib import resources

from marsad.search.stemmers import RULES_VERSION, GuardedStemmer
from marsad.text.normalize import normalize, normalized_words

Stem = Callable[[str], str]
CACHE_WORDS = 2_000_000  # memoized words per table (~200 MB at most); a full table starts over


@cache
def stopwords() -> frozenset[str]:
    text = resources.files("marsad.search").joinpath("stopwords.txt").read_text("utf-8")
    lines = (line for line in text.splitlines() if not line.startswith("#"))
    return frozenset(normalize(word) for line in lines for word in line.split())


class Analyzer:
    """Turns text into index terms; `version` names the configuration, so an index built with
    another analyzer (or another lexicon) is detected and rebuilt rather than silently mismatched."""

    def __init__(
        self,
        stem: Stem | None = None,
        name: str | None = None,
        unclitic: Stem | None = None,
        alternative: Callable[[str], str | None] | None = None,
        stem_unclitic: Stem | None = None,
    ) -> None:
        """`stem_unclitic`, when given, turns a word's `unclitic` form into its term, equal to
        `stem(word)`: the clitics are then stripped once per word, not twice."""
        self.stem = stem
        self.unclitic = unclitic
        self.stem_unclitic = stem_unclitic
        self.alternative = alternative
        self.stopwords = stopwords()
        # without a name, the stemmer's own name tells analyzers apart
        name = name or f"{getattr(stem, '__module__', '')}.{getattr(stem, '__qualname__', repr(stem))}"
        words = "".join(sorted(self.stopwords)).encode()
        self.version = f"{name}:{hashlib.blake2b(words, digest_size=4).hexdigest()}"
        self._terms = _Memo(self._new_term)  # word → term, "" for a stopword
        self._exact: dict[str, str | None] = {}
        self._surface = _Memo(self._new_surface_term)  # word as written → term, "" for none

    def term(self, word: str) -> str | None:
        """The term of one normalized word, or None for a stopword (memoized: a corpus has far
        fewer distinct words than words)."""
        return self._terms[word] or None

    def _new_term(self, word: str) -> str:
        exact = self._exact.get(word) if word in self._exact else self._new_exact(word)
        if exact is None:  # (ومعه is معه: a stopword with a clitic is still a stopword)
            return ""
        if word.isascii() or not self.stem:
            return word
        return self.stem_unclitic(exact) if self.stem_unclitic else self.stem(word)

    def exact_term(self, word: str) -> str | None:
        """The exact form of one normalized word: clitics off, inflection kept (None: stopword).
        Memoized for the words asked for here (titles, queries); a body's words go straight to
        their terms, so their exact forms are not kept twice."""
        try:
            return self._exact[word]
        except KeyError:
            pass
        term = self._new_exact(word)
        if len(self._exact) >= CACHE_WORDS:
            self._exact.clear()
        self._exact[word] = term
        return term

    def _new_exact(self, word: str) -> str | None:
        if word in self.stopwords:
            return None
        if self.unclitic and not word.isascii():
            term = self.unclitic(word)
            return None if term in self.stopwords else term
        return word

    def exact_terms(self, text: str) -> list[str]:
        """The exact forms of a text's words, in order, stopwords left out."""
        found = []
        for word in self.words(text):
            term = self.exact_term(word)
            if term:
                found.append(term)
        return found

    def surface_terms(self, text: str) -> list[str]:
        """The words as written, normalized (clitics kept), the same words `exact_terms` keeps:
        a title holding the very word typed (بمدينة) outranks one holding a relative (مدينة)."""
        return [word for word in self.words(text) if self.exact_term(word)]

    def alternatives(self, text: str) -> list[tuple[str, str]]:
        """Other (term, exact form) readings of a one-word query, for words the stemmer reads
        two ways (بلدية: ب + لديه, or the word itself)."""
        words = self.words(text)
        if len(words) != 1 or self.alternative is None or self.term(words[0]) is None:
            return []
        other = self.alternative(words[0])
        return [] if other is None or other == self.term(words[0]) else [(other, words[0])]

    def surface_term(self, surface: str) -> str | None:
        """The term of one word as written (None: a stopword, or no word)."""
        return self._surface[surface] or None

    def _new_surface_term(self, surface: str) -> str:
        words = self.words(surface)
        return (self.term(words[0]) or "") if words else ""

    def words(self, text: str) -> list[str]:
        """The normalized, lower-cased words of a text."""
        return normalized_words(text)

    def terms(self, text: str) -> list[str]:
        """The terms of a text, in order, stopwords left out. Each distinct word is analyzed
        once; the rest is one pass over a dict (ingest analyzes every word of the corpus)."""
        return [term for term in map(self._terms.__getitem__, self.words(text)) if term]

    def word_terms(self, words: list[str]) -> list[str]:
        """The term of each word, "" for a stopword, in one C-level pass (stories read each
        word's term beside the word itself)."""
        return list(map(self._terms.__getitem__, words))

    def joined_terms(self, text: str) -> str:
        """`terms` joined by spaces, in one C-level pass (what the index takes: 3× faster on a
        body). A stopword leaves an extra space, which no term is: splitting gives `terms`."""
        return " ".join(map(self._terms.__getitem__, self.words(text)))


class _Memo(dict[str, str]):
    """A dict that computes what it misses (once: a corpus has far fewer distinct words than
    words), starting over when it holds CACHE_WORDS words."""

    def __init__(self, compute: Callable[[str], str]) -> None:
        super().__init__()
        self.compute = compute

    def __missing__(self, word: str) -> str:
        if len(self) >= CACHE_WORDS:
            self.clear()
        value = self[word] = self.compute(word)
        return value


@cache
def default_analyzer() -> Analyzer:
    """Normalization, Marsad's stopwords, and Lucene's light stemmer guarded by the lexicon."""
    stemmer = GuardedStemmer()
    return Analyzer(
        stemmer,
        name=f"guarded{RULES_VERSION}-{stemmer.lexicon.version}",
        unclitic=stemmer.strip_clitics,
        alternative=stemmer.alternative,
        stem_unclitic=stemmer.strip_suffixes,
    )
