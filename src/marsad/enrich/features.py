"""What the CRF sees of each token: its forms, affixes, shape, cluster, gazetteer and trigger hits,
and the same of its neighbours.

Word-level features depend on the word alone, so they are computed once per distinct word and
memoized (a corpus repeats its words: most tokens are a dictionary look-up); only the neighbour
features are assembled per token. Every form is derived with Marsad's own analysis: `normalize`
(marsad.text) for spelling, the search stemmer's guarded clitic stripping (marsad.search.stemmers:
بوتين stays بوتين, والكرملين is الكرملين less its article) and its word-frequency lexicon (a
frequent word is seldom a name).
"""

from __future__ import annotations

import gzip
import math
import tomllib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from marsad.enrich.tokens import tokenize
from marsad.search.stemmers import GuardedStemmer
from marsad.text.normalize import normalize

CLUSTERS_FILE = "clusters.tsv.gz"
GAZETTEER_FILE = "gazetteer.tsv.gz"
TRIGGERS_FILE = "triggers.toml"
_MEMO_WORDS = 500_000  # distinct words memoized; a full memo starts over


def word_form(token: str) -> str:
    """A token as the tagger's tables key it: normalized (أ/ا, ة/ه, ى/ي, tashkeel…), lower-cased."""
    return normalize(token).lower()


@cache
def _stemmer() -> GuardedStemmer:
    return GuardedStemmer()


def unclitic(form: str) -> str:
    """A normalized word without its article and proclitics (و ف ب ك ل ال), guarded by the
    lexicon so a name keeps its first letter (بوتين, وليد, لبنان stay whole)."""
    if len(form) < 3 or not form[0].isalpha() or form.isascii():
        return form
    return _stemmer().strip_clitics(form)


NAME_CLITIC_RATIO = 15  # a bare word this much more frequent than the whole is its proclitic's


def has_article(form: str) -> bool:
    """Whether a normalized word carries the article (after any proclitics: والروسي)."""
    return without_article(form) != form


def without_article(form: str) -> str:
    """A normalized word less its article (and the proclitics before it): السيسي → سيسي."""
    return _stemmer().strip_article(form)


def name_unclitic(form: str) -> str:
    """A person's name word without its article and proclitics, more cautious than `unclitic`:
    many first names are a common word after a letter that could be a proclitic (فيصل/يصل,
    كمال/مال, باسم/اسم, ليلى/يلي, كيري/يري, which made Kerry and Perry one key). A proclitic
    goes only where the bare word is used as the whole one is (the same coarse word cluster:
    وكيري/كيري, لبوتين/بوتين) or, for one letter, is far more frequent (وفيصل is 57× rarer than
    فيصل; كيري only 13× rarer than يري) or the whole word is unknown."""
    stripped = unclitic(form)
    if stripped == form:
        return form
    if has_article(form):
        return checked_article(form, stripped)
    clusters = load_clusters()
    frequency = _stemmer().lexicon.frequency
    whole_cluster, seen = clusters.get(form), frequency.get(form, 0)
    found = []
    for bare in _stemmer().proclitic_cuts(form):
        bare_cluster, known = clusters.get(bare), frequency.get(bare, 0)
        if (whole_cluster and bare_cluster and whole_cluster[-1] == bare_cluster[-1]) or (
            len(form) - len(bare) == 1 and known and (not seen or known >= NAME_CLITIC_RATIO * seen)
        ):
            found.append((known, bare))
    return max(found)[1] if found else form


PLACE_CLITIC_RATIO = 3  # a proclitic before a place's or body's name: its bare word this much more frequent
_ARTICLES = ("ال", "وال", "بال", "فال", "كال", "لل")  # the article, alone or after a proclitic


def place_unclitic(form: str) -> str:
    """A place's or organisation's first word without its article and proclitics, as `unclitic`
    takes them off (وروسيا, لرويترز: only 9× and 7× rarer than روسيا, رويترز; a person's bar is
    higher), less its misreadings: a name the gazetteer holds as written stays (بترا, not ب +
    «ترا»), one it holds bare is cut (بأبها: أبها, though «بابها» is also "its door"); an
    article read after a letter that only begins the name (`checked_article`: كاليفورنيا,
    فالنسيا); proclitics read off a word more frequent than what they leave («وكالة» is no و +
    ك + «آلة»)."""
    stripped = unclitic(form)
    if stripped == form:
        return form
    if written_in_gazetteer(form):
        return form
    names = gazetteer_names()
    if stripped in names or "ال" + stripped in names:
        return stripped
    if has_article(form):
        return checked_article(form, stripped)
    frequency = _stemmer().lexicon.frequency
    return stripped if frequency.get(stripped, 0) >= PLACE_CLITIC_RATIO * frequency.get(form, 0) else form


def checked_article(form: str, stripped: str) -> str:
    """`stripped`, the stemmer's cut of a word with proclitics and an article (والكرملين →
    كرملين), when the corpus writes the rest with the bare article or in three other ways
    (الكرملين; بالكرملين, للكرملين…: words of the word clusters, learnt from every word seen a
    few times; «فالتر» and «للتر» do not make «والتر» و + «التر»); else the
    word less one proclitic where the corpus writes that (لليفربول: ل + ليفربول, not ل +
    «اليفربول»), else the whole word where the corpus writes it (كاليفورنيا, فالنسيا: never
    «اليفورنيا», «النسيا»; but a word after لل always has its article: «للأوقية»), else
    `stripped` (a word too rare to tell)."""
    if form.startswith("ال"):
        return stripped  # the article itself, with no letter before it: certain
    clusters = load_clusters()
    head = next((a for a in _ARTICLES[1:] if form.startswith(a)), None)
    if head is None:  # two proclitics before the article: وبالعراق, وكاليفورنيا
        return checked_article(form[1:], stripped) if form[0] in "وفبكل" and len(form) > 4 else stripped
    rest = form[len(head) :]
    others = [a + rest for a in _ARTICLES[1:] if a != head]
    if "ال" + rest in clusters or sum(other in clusters for other in others) >= 3:
        return stripped
    if form[1:] in clusters and form[1] != "ا":
        return form[1:]
    return stripped if head == "لل" or form not in clusters else form


@cache
def gazetteer_names() -> frozenset[str]:
    """The gazetteer's names as written (normalized), whole: كاليفورنيا, بيونغ يانغ, أبها."""
    return frozenset(word_form(name) for _, name in _shipped_gazetteer())


def written_in_gazetteer(written: str) -> bool:
    """Whether a normalized name is one the gazetteer holds as written, its first letters its own
    (بيونغ يانغ is no ب + «يونغ يانغ»); not a name with the article, which always comes off."""
    return written in gazetteer_names() and not written.startswith("ال")


@dataclass(frozen=True, slots=True)
class Resources:
    """The data the features look words up in: all optional, so a baseline can go without."""

    clusters: dict[str, tuple[str, ...]] = field(default_factory=dict)  # form → cluster ids
    gazetteer: dict[tuple[str, ...], frozenset[str]] = field(default_factory=dict)  # forms → types
    triggers: dict[str, str] = field(default_factory=dict)  # unclitic form → trigger class
    lexicon: bool = True  # word-frequency and name-ending features from the search lexicon
    longest_entry: int = 1


@cache
def default_resources() -> Resources:
    """The shipped clusters, gazetteer and trigger words (loaded once, on first use)."""
    return Resources(
        clusters=load_clusters(),
        gazetteer=load_gazetteer(),
        triggers=load_triggers(),
        longest_entry=max((len(k) for k in load_gazetteer()), default=1),
    )


def _package_bytes(name: str) -> bytes:
    return resources.files("marsad.enrich").joinpath(name).read_bytes()


def parse_clusters(data: bytes) -> dict[str, tuple[str, ...]]:
    clusters: dict[str, tuple[str, ...]] = {}
    for line in gzip.decompress(data).decode("utf-8").splitlines():
        if line and not line.startswith("#"):
            word, *ids = line.split("\t")
            clusters[word] = tuple(ids)
    return clusters


@cache
def load_clusters() -> dict[str, tuple[str, ...]]:
    try:
        return parse_clusters(_package_bytes(CLUSTERS_FILE))
    except FileNotFoundError:
        return {}


def gazetteer_key(name: str, bare: Callable[[str], str] = unclitic) -> tuple[str, ...]:
    """A name as the gazetteer and the tagger match it: its tokens' forms, the first one
    without its clitics (والكرملين and الكرملين are one entry, كرملين; `bare` takes them off)."""
    forms = [word_form(token.text) for token in tokenize(name)]
    if forms:
        forms[0] = bare(forms[0])
    return tuple(forms)


def _gazetteer_lines(data: bytes) -> list[tuple[str, str]]:
    """(type, name as written) of each line `type<TAB>name` of a gazetteer file."""
    lines = gzip.decompress(data).decode("utf-8").splitlines()
    rows = (line.split("\t") for line in lines if line and not line.startswith("#"))
    return [(kind, name) for kind, name in rows]


def _keyed(lines: Iterable[tuple[str, str]]) -> dict[tuple[str, ...], frozenset[str]]:
    entries: dict[tuple[str, ...], set[str]] = {}
    for kind, name in lines:
        key = gazetteer_key(name)
        if key:
            entries.setdefault(key, set()).add(kind)
    return {key: frozenset(kinds) for key, kinds in entries.items()}


def parse_gazetteer(data: bytes) -> dict[tuple[str, ...], frozenset[str]]:
    """Lines `type<TAB>name` (the name as written; keyed here, so the file stays readable)."""
    return _keyed(_gazetteer_lines(data))


@cache
def _shipped_gazetteer() -> list[tuple[str, str]]:
    """The shipped gazetteer's lines, read once for its keyed and its written forms."""
    try:
        return _gazetteer_lines(_package_bytes(GAZETTEER_FILE))
    except FileNotFoundError:
        return []


@cache
def load_gazetteer() -> dict[tuple[str, ...], frozenset[str]]:
    return _keyed(_shipped_gazetteer())


@cache
def given_names() -> frozenset[str]:
    """Arabic given names (the gazetteer's FIRST entries, read off bylines), normalized."""
    return frozenset(key[0] for key, kinds in load_gazetteer().items() if "FIRST" in kinds and len(key) == 1)


def parse_triggers(text: str) -> dict[str, str]:
    """`[class] words = [...]` tables → unclitic form → class (the first class listed wins)."""
    triggers: dict[str, str] = {}
    for kind, table in tomllib.loads(text).items():
        for word in table["words"]:
            for form in (word_form(word), unclitic(word_form(word))):
                triggers.setdefault(form, kind)
    return triggers


@cache
def load_triggers() -> dict[str, str]:
    return parse_triggers(_package_bytes(TRIGGERS_FILE).decode("utf-8"))


def _shape(token: str) -> str:
    if token.isdigit():
        return "D"
    if any(c.isdigit() for c in token):
        return "d"
    if token.isascii():
        return "L" if token.isalpha() else "P"
    if token[0].isalpha():
        return "A"
    return "P"


def _frequency_bucket(form: str) -> str:
    """Occurrences per billion words in the lexicon, in half-decades (unknown words are often
    names, transliterated ones especially)."""
    count = _stemmer().lexicon.frequency.get(form)
    return "-" if not count else str(int(2 * math.log10(count)))


_OFFSETS = (-2, -1, 1, 2)
_PADS = {offset: (f"{offset}:pad",) for offset in _OFFSETS}


@dataclass(frozen=True, slots=True)
class Word:
    own: tuple[str, ...]  # the word's features
    seen: dict[int, tuple[str, ...]]  # offset → what a token that far sees of the word ("-1:w=…")
    form: str  # word_form
    bare: str  # unclitic(form): what the gazetteer is matched on


class Featurizer:
    """Tokens → CRF feature lists. Keeps a memo of word features: one per thread or process."""

    def __init__(self, resources: Resources | None = None, known: frozenset[str] | None = None) -> None:
        """`known`: the attributes a model knows, the only features then given (CRFsuite drops the
        others, but handing them over costs time all the same)."""
        self.resources = resources if resources is not None else default_resources()
        self._known = known
        self._memo: dict[str, Word] = {}
        self._starts = frozenset(key[0] for key in self.resources.gazetteer)  # first words of entries

    def word(self, token: str) -> Word:
        """The features of one word, and what its neighbours see of it (memoized)."""
        try:
            return self._memo[token]
        except KeyError:
            pass
        if len(self._memo) >= _MEMO_WORDS:
            self._memo.clear()
        entry = self._memo[token] = self._new_word(token)
        return entry

    def _new_word(self, token: str) -> Word:
        res = self.resources
        form = word_form(token)
        shape = _shape(token)
        if shape == "P":
            own: tuple[str, ...] = ("w=" + form, "sh=P")
            return Word(self._kept(own), self._seen(own), form, form)
        bare = unclitic(form) if shape == "A" else form
        proclitic = form[: len(form) - len(bare)] if form.endswith(bare) else "?"
        stem = _stemmer().strip_suffixes(bare) if shape == "A" else bare
        feats = [
            "w=" + form,
            "b=" + bare,
            "st=" + stem,
            "pc=" + proclitic,
            "sh=" + shape,
            "p2=" + bare[:2],
            "p3=" + bare[:3],
            "x1=" + form[-1:],
            "x2=" + form[-2:],
            "x3=" + form[-3:],
            "len=" + str(min(len(bare), 10)),
        ]
        near = ["w=" + form, "b=" + bare, "sh=" + shape]
        if res.lexicon and shape == "A":
            feats.append("f=" + _frequency_bucket(bare))
            if bare in _stemmer().lexicon.whole:
                feats.append("whole")
        clusters = res.clusters.get(form) or res.clusters.get(bare)
        if clusters:
            feats += [f"c{level}={cid}" for level, cid in enumerate(clusters)]
            near += [f"c{level}={cid}" for level, cid in enumerate(clusters[1:], start=1)]
        trigger = res.triggers.get(bare) or res.triggers.get(form)
        if trigger:
            feats.append("t=" + trigger)
            near.append("t=" + trigger)
        return Word(self._kept(feats), self._seen(near), form, bare)

    def _kept(self, feats: Sequence[str]) -> tuple[str, ...]:
        """The features the model knows, in their own order: a CRF's score is a sum of floats, and
        a set's order (which moves with each process's string hashes) moved its last bits and with
        them near ties, so that two runs tagged a few names otherwise."""
        known = self._known
        return tuple(feats) if known is None else tuple(f for f in feats if f in known)

    def _seen(self, near: Sequence[str]) -> dict[int, tuple[str, ...]]:
        """What a token at each offset sees of the word."""
        return {o: self._kept([f"{o}:{f}" for f in near]) for o in _OFFSETS}

    def sentence(self, tokens: Sequence[str]) -> list[list[str]]:
        """The feature list of every token of one sentence."""
        return self.features([self.word(token) for token in tokens])

    def features(self, words: list[Word]) -> list[list[str]]:
        """The feature list of every word of one sentence (`word` gives them)."""
        size = len(words)
        gazetteer = self._gazetteer_hits(words) if self.resources.gazetteer else None
        known = self._known
        out = []
        for i, word in enumerate(words):
            feats = ["bias", *word.own]
            for offset in _OFFSETS:
                j = i + offset
                feats += words[j].seen[offset] if 0 <= j < size else _PADS[offset]
            if i > 0:
                pair = f"-1|0={words[i - 1].form}|{word.form}"
                if known is None or pair in known:
                    feats.append(pair)
            if i + 1 < size:
                pair = f"0|1={word.form}|{words[i + 1].form}"
                if known is None or pair in known:
                    feats.append(pair)
            if gazetteer and gazetteer[i]:
                feats += gazetteer[i]
            out.append(feats)
        return out

    def _gazetteer_hits(self, words: list[Word]) -> list[list[str]]:
        """Longest gazetteer matches, left to right: `g=B-LOC` on a match's first token,
        `g=I-LOC` on the others, and the same for the neighbours (`g-1`, `g+1`)."""
        forms = [w.form for w in words]
        hits: list[list[str]] = [[] for _ in forms]
        table, longest, starts = self.resources.gazetteer, self.resources.longest_entry, self._starts
        i = 0
        while i < len(forms):
            if words[i].bare not in starts:
                i += 1
                continue
            for size in range(min(longest, len(forms) - i), 0, -1):
                key = (words[i].bare, *forms[i + 1 : i + size])
                found = table.get(key)
                if found:
                    kinds = sorted(found)  # (a set's order moves with the process's string hashes)
                    for k in range(i, i + size):
                        mark = "B" if k == i else "I"
                        hits[k] += [f"g={mark}-{kind}" for kind in kinds]
                    for kind in kinds:
                        if i > 0:
                            hits[i - 1].append(f"g+1={kind}")
                        if i + size < len(forms):
                            hits[i + size].append(f"g-1={kind}")
                    i += size
                    break
            else:
                i += 1
        return hits
