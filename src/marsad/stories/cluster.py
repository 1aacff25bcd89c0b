"""Stories: articles that tell one event, in any words, clustered one article at a time.

A story is wider than a group of copies: outlets report one event in their own words
("الطائرة الإغاثية السعودية الخامسة تصل إلى عدن" / "وصول الطائرة الإغاثية السعودية الخامسة إلى
عدن"). The clustering is single-pass, as in topic detection and tracking: each arriving article
is compared with the stories active around its date (their centroids of salient terms) and
joins the nearest one when it is near enough (the nearer the story's first day, the less near
it must be), else it opens a story. Nothing already clustered
is revisited, so a batch of new pages costs what it holds, not what the archive holds.

Salience is TF-IDF over the search analyzer's terms (normalized, clitics off, light stems). The
document frequencies are counted as articles arrive, started from a prior derived from the
shipped word-frequency lexicon (pseudo-documents), so the first article of an archive already
knows that "السعودية" says less than "عدن". Titles and leads weigh more than the rest: news
puts the event first. Copies of one article (same duplicate group) join the same story without
a comparison.

Where the archive uses a sentence encoder (`marsad.stories.encoder`, opt-in: it costs far more
than the clustering), its vectors open a second route: one event told in other words ("مقاتلات
تركية تقصف" / "طائرات حربية تركية تقصف") is near in meaning while far in terms. An article
joins a story when either route passes the bar, the encoder's being its cosine to the story's
mean vector less ENCODER_GATE (the two cosines live on different scales: unrelated news is
≈ 0.3 apart in the encoder's space, ≈ 0 in TF-IDF's).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

import numpy as np

from marsad.search.analyzer import Analyzer, default_analyzer
from marsad.search.lexicon import lexicon

TITLE_WEIGHT = 3.0  # a title word counts as this many body words
LEAD_WORDS = 60  # the lead: the first words of the text, where the event is told
LEAD_WEIGHT = 2.0
BODY_WORDS = 400  # words read from each article (the rest is background)
DOC_TERMS = 40  # the salient terms an article is represented by
STORY_TERMS = 100  # the terms a story's centroid keeps
PROBE_TERMS = 12  # an article's strongest terms, looked up among the stories' strongest
WINDOW_DAYS = 3  # a story takes articles dated up to this many days after its last one
MAX_SPAN_DAYS = 7  # and none dated more than this after its first: an event, not a topic
LATE_DAYS = MAX_SPAN_DAYS  # an article dated this many days before the newest seen still finds its
# stories: outlets and crawls publish late (two reports of Jeddah's first pilgrims, both dated the 3rd,
# the second crawled on the 7th), and a backfill brings older days after newer ones. `restore`
# reopens the same stories, so a run and its resumption agree.
CANDIDATES = 8  # stories compared with each article
THRESHOLD = 0.32  # cosine to a story's centroid at which an article joins it on the story's first day
# (bench/stories_eval.py); each day between the article and the story's first day raises the bar by
# (1 - THRESHOLD) / MAX_SPAN_DAYS, reaching 1 at the span's end (see StoryClusterer.score)
IDF_REFRESH = 500  # articles between recomputations of a term's idf
NAME_IDF = 7.0  # a title term at least this rare is a name (df ≲ 0.1% of the archive)
PLACE_IDF = 2.5  # a place is a name when this rare (df ≲ 8%): not «اليوم», «العهد», «السعودية»
PRIOR_DOCS = 2000.0  # pseudo-documents of the lexicon prior
PRIOR_WORDS = 300.0  # words in a pseudo-document: P(word in doc) ≈ 1 - exp(-f · words)
ENCODER_GATE = 0.30  # the encoder's cosine less this meets the TF-IDF route's bar (bench/stories_eval.py)


@dataclass(slots=True)
class StoryState:
    """One story as the clusterer keeps it."""

    story_id: int
    first: date
    last: date
    title: str | None
    articles: int = 0
    centroid: dict[str, float] = field(default_factory=dict)
    norm: float = 0.0
    probes: frozenset[str] = frozenset()
    ordinals: frozenset[int] = frozenset()  # ordinal words of its titles: the 4th plane is not the 5th
    # each member's title names (who, where) and all its terms: a newcomer must not name someone
    # else than any member does (the template chain Côte d'Ivoire → Singapore → Ecuador)
    names: list[tuple[frozenset[str], frozenset[str]]] = field(default_factory=list)
    title_terms: frozenset[str] = frozenset()  # the terms of `title`, its representative title
    meaning: Any = None  # the sum of its members' sentence vectors (None: no encoder, or none had one)


@dataclass(frozen=True, slots=True)
class StoryInput:
    """What clustering reads of an article: its key, words, date and duplicate group, and its
    sentence vector (unit length) where the archive uses an encoder."""

    key: int
    title: str | None
    text: str
    day: date
    group: int | None = None
    meaning: Any = None


Vector = dict[str, float]

# A title's ordinal ("الطائرة الإغاثية الخامسة", "خامس طائرة", "الطائرة الـ«5»") names which of a
# series of like events it tells: an article whose title says another ordinal than a story's
# titles is not that story, however alike the words (normalized forms, both genders).
_ORDINAL_WORDS = {
    number: forms.split()
    for number, forms in {
        1: "الاول الاولي اول",
        2: "الثاني الثانيه ثاني",
        3: "الثالث الثالثه ثالث",
        4: "الرابع الرابعه رابع",
        5: "الخامس الخامسه خامس",
        6: "السادس السادسه سادس",
        7: "السابع السابعه سابع",
        8: "الثامن الثامنه ثامن",
        9: "التاسع التاسعه تاسع",
        10: "العاشر العاشره عاشر",
    }.items()
}
ORDINALS = {form: number for number, forms in _ORDINAL_WORDS.items() for form in forms}
_NUMBERED = re.compile(r"(?<!\w)ال\s*[ـ-]?\s*[«(\"]?\s*(\d{1,2})\b")  # الـ(6), الـ «5»


@cache
def _places() -> frozenset[str]:
    """Place names, normalized, as datelines are read (marsad.segment)."""
    text = resources.files("marsad.segment").joinpath("places.txt").read_text("utf-8")
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


@cache
def _place_terms(analyzer: Analyzer) -> frozenset[str]:
    """The terms of the one-word place names: a word is a place when its term is one, so the
    nisba adjective «السنغافوري» is Singapore («سنغافورة») as the stemmer reads both."""
    words = [place for place in _places() if " " not in place]
    return frozenset(term for term in analyzer.word_terms(words) if term)


class StoryClusterer:
    """Assigns arriving articles to stories; its state is what an archive keeps between runs
    (document frequencies and the active stories' centroids)."""

    def __init__(
        self,
        analyzer: Analyzer | None = None,
        threshold: float = THRESHOLD,
        window_days: int = WINDOW_DAYS,
        encoder_gate: float = ENCODER_GATE,
    ) -> None:
        self.analyzer = analyzer or default_analyzer()
        self.threshold = threshold
        self.window_days = window_days
        self.encoder_gate = encoder_gate
        self.documents = 0
        self.df: Counter[str] = Counter()
        self.added: Counter[str] = Counter()  # document frequencies gained since the caller last took them
        self.stories: dict[int, StoryState] = {}
        self.by_probe: dict[str, set[int]] = {}
        self.by_group: dict[int, int] = {}
        self.next_id = 1
        self.today: date | None = None
        self._idf: dict[str, float] = {}
        self._idf_at = 0
        self._prior: dict[str, float] = {"": 0.0}  # ("": a stopword's term)
        self._frequency = lexicon().frequency

    # --- salience ---------------------------------------------------------------------------

    def _term_prior(self, exact: str) -> float:
        """Expected share of documents holding a word, from the lexicon (per billion words)."""
        per_billion = self._frequency.get(exact, 0)
        return 1.0 - math.exp(-per_billion * PRIOR_WORDS / 1e9)

    def idf(self, term: str) -> float:
        """Inverse document frequency, cached for IDF_REFRESH articles at a time (it moves
        slowly once the archive holds a few thousand)."""
        if self.documents - self._idf_at >= IDF_REFRESH:
            self._idf.clear()
            self._idf_at = self.documents
        try:
            return self._idf[term]
        except KeyError:
            pass
        df = self.df.get(term, 0) + PRIOR_DOCS * self._prior.get(term, 0.0)
        value = self._idf[term] = math.log((self.documents + PRIOR_DOCS + 1.0) / (df + 1.0))
        return value

    def counts(self, title: str | None, text: str) -> dict[str, float]:
        """Weighted term counts of an article: title, lead and body terms."""
        analyzer = self.analyzer
        words = analyzer.words(title or "")
        title_count = len(words)
        words += analyzer.words(text[: BODY_WORDS * 9])[:BODY_WORDS]
        terms = analyzer.word_terms(words)
        prior = self._prior
        if not prior.keys() >= set(terms):  # a word never seen: its prior from the lexicon
            for word, term in zip(words, terms, strict=True):
                if term and term not in prior:
                    prior[term] = self._term_prior(analyzer.exact_term(word) or term)
        body = [term for term in terms[title_count:] if len(term) > 1]
        counts: dict[str, float] = dict(Counter(body))
        for term in body[:LEAD_WORDS]:
            counts[term] += LEAD_WEIGHT - 1.0
        for term in terms[:title_count]:
            if len(term) > 1:
                counts[term] = counts.get(term, 0.0) + TITLE_WEIGHT
        return counts

    def vector(self, counts: dict[str, float]) -> Vector:
        """The article's DOC_TERMS most salient terms, unit length."""
        idf, cached = self.idf, self._idf
        weighted = {
            term: (1.0 + math.log(count)) * (cached[term] if term in cached else idf(term))
            for term, count in counts.items()
        }
        top = sorted(weighted.items(), key=lambda item: (-item[1], item[0]))[:DOC_TERMS]
        norm = math.sqrt(sum(weight * weight for _, weight in top)) or 1.0
        return {term: weight / norm for term, weight in top}

    # --- clustering -------------------------------------------------------------------------

    def similarity(self, vector: Vector, story: StoryState, meaning: Any = None) -> float:
        """The article's TF-IDF cosine to the story's centroid or, when both have sentence
        vectors and it is higher, their cosine less the encoder's gate."""
        dot = sum(weight * story.centroid.get(term, 0.0) for term, weight in vector.items())
        lexical = dot / story.norm if story.norm else 0.0
        if meaning is None or story.meaning is None:
            return lexical
        length = float(np.linalg.norm(story.meaning)) or 1.0
        return max(lexical, float(meaning @ story.meaning) / length - self.encoder_gate)

    def candidates(self, vector: Vector, day: date) -> list[StoryState]:
        """The active stories whose strongest terms share the most with the article's (at
        most CANDIDATES of them, sharing at least two terms unless the article has few)."""
        probes = sorted(vector, key=lambda term: -vector[term])[:PROBE_TERMS]
        shared: Counter[int] = Counter()
        for term in probes:
            shared.update(self.by_probe.get(term, ()))
        least = 2 if len(probes) >= 4 else 1
        today = day.toordinal()
        found: list[StoryState] = []
        for story_id, count in shared.most_common():
            if count < least or len(found) >= CANDIDATES:
                break
            story = self.stories[story_id]
            first = story.first.toordinal()
            if (
                first - self.window_days
                <= today
                <= min(story.last.toordinal() + self.window_days, first + MAX_SPAN_DAYS)
            ):
                found.append(story)
        return found

    def ordinals(self, title: str | None) -> frozenset[int]:
        """The ordinal numbers a title says (which of a series of like events it tells)."""
        words = self.analyzer.words(title or "")
        found = {ORDINALS[word] for word in words if word in ORDINALS}
        found.update(int(number) for number in _NUMBERED.findall(title or ""))
        return frozenset(found)

    def names(self, title: str | None) -> frozenset[str]:
        """A title's names of who and where: the terms of its place names (the dateline
        gazetteer, matched by term so that nisba adjectives count; not the places most articles
        name) and of its rarest words (جامايكا, السبيعي). Not its numbers, however rare: a toll
        or a year says nothing of who or where, and reports of one event differ in them (15 dead,
        then 18; Blatter's resignation in one title, «2024» in another's)."""
        analyzer = self.analyzer
        words = analyzer.word_terms(analyzer.words(title or ""))
        places = _place_terms(analyzer)
        found = set()
        for term in words:
            if len(term) > 2 and not term.isdigit():
                idf = self.idf(term)
                if idf >= NAME_IDF or (idf >= PLACE_IDF and term in places):
                    found.add(term)
        return frozenset(found)

    @staticmethod
    def conflict(names: frozenset[str], terms: frozenset[str], story: StoryState) -> bool:
        """True when the article and one of the story's articles each name someone or somewhere
        in their titles that the other never mentions: the same template told of another country,
        town or person ("القيادة تهنئ رئيس بوركينا فاسو" is not "القيادة تهنئ حاكم جامايكا").
        Every member is asked, not only the first: a story's later titles are its identity too."""
        return bool(names) and any(
            theirs and theirs.isdisjoint(terms) and names.isdisjoint(their_terms)
            for theirs, their_terms in story.names
        )

    def score(self, vector: Vector, story: StoryState, day: date, meaning: Any = None) -> float:
        """The article's cosine to the story, less (1 - threshold) / MAX_SPAN_DAYS for each day
        between it and the story's first day: one happening is reported around its day, and the
        like events that recur (each day's weather or market close, congratulations to one head of
        state after another) are told in the same words on other days. Compared with the
        threshold: the bar rises from the threshold on the first day to 1 at the span's end."""
        gap = abs(day.toordinal() - story.first.toordinal())
        return self.similarity(vector, story, meaning) - (1.0 - self.threshold) * gap / MAX_SPAN_DAYS

    def add(self, article: StoryInput) -> int:
        """The story this article belongs to (an existing one, or a new one it opens)."""
        if self.today is None or article.day > self.today:
            self.today = article.day
            self.expire(article.day)
        counts = self.counts(article.title, article.text)
        self.documents += 1
        self.df.update(counts.keys())
        self.added.update(counts.keys())
        vector = self.vector(counts)
        ordinals = self.ordinals(article.title)
        names = self.names(article.title)
        terms = frozenset(counts)
        story: StoryState | None = None
        if article.group is not None and article.group in self.by_group:
            story = self.stories.get(self.by_group[article.group])
        if story is None:
            scored = [
                (self.score(vector, s, article.day, article.meaning), s.story_id, s)
                for s in self.candidates(vector, article.day)
                if not (ordinals and s.ordinals and ordinals.isdisjoint(s.ordinals))
                and not self.conflict(names, terms, s)
            ]
            best = max(scored, key=lambda item: (item[0], -item[1]), default=None)
            if best is not None and best[0] >= self.threshold:
                story = best[2]
        if story is None:
            story = StoryState(self.next_id, article.day, article.day, article.title)
            self.stories[story.story_id] = story
            self.next_id += 1
        story.names.append((names, terms))
        self._join(story, vector, article)
        story.ordinals |= ordinals
        if article.group is not None:
            self.by_group.setdefault(article.group, story.story_id)
        return story.story_id

    def _join(self, story: StoryState, vector: Vector, article: StoryInput) -> None:
        for term in story.probes:
            self.by_probe.get(term, set()).discard(story.story_id)
        centroid = story.centroid
        for term, weight in vector.items():
            centroid[term] = centroid.get(term, 0.0) + weight
        if len(centroid) > STORY_TERMS:
            story.centroid = centroid = dict(
                sorted(centroid.items(), key=lambda item: (-item[1], item[0]))[:STORY_TERMS]
            )
        story.norm = math.sqrt(sum(weight * weight for weight in centroid.values()))
        story.articles += 1
        if article.meaning is not None:
            story.meaning = article.meaning if story.meaning is None else story.meaning + article.meaning
        story.first = min(story.first, article.day)
        story.last = max(story.last, article.day)
        self._retitle(story, article.title)
        story.probes = frozenset(sorted(centroid, key=lambda term: -centroid[term])[:PROBE_TERMS])
        for term in story.probes:
            self.by_probe.setdefault(term, set()).add(story.story_id)

    def _retitle(self, story: StoryState, title: str | None) -> None:
        """Keep as the story's title the one of its articles' titles that best holds its
        centroid's strongest terms (a first article's «عاجل» or roundup headline gives way to
        the title most of the story's words are in), the earlier among equals."""
        terms = frozenset(t for t in self.analyzer.word_terms(self.analyzer.words(title or "")) if len(t) > 1)
        if not terms:
            return
        if story.title is None or self._title_score(terms, story) > self._title_score(
            story.title_terms, story
        ):
            story.title, story.title_terms = title, terms

    @staticmethod
    def _title_score(terms: frozenset[str], story: StoryState) -> float:
        """How much of the centroid a title's terms hold, per square root of their number (a
        title is not better for being long)."""
        if not terms:
            return -1.0
        return sum(story.centroid.get(term, 0.0) for term in terms) / math.sqrt(len(terms))

    def story(self, story_id: int) -> StoryState:
        return self.stories[story_id]

    def reopen(self, story_id: int, title: str | None, members: Sequence[StoryInput]) -> None:
        """Bring back a stored open story from its articles (in arrival order), so that new
        articles can join it: its centroid rebuilt with today's idf, its ordinals and names."""
        if not members:
            return
        story = StoryState(story_id, members[0].day, members[0].day, None)
        self.stories[story_id] = story
        for member in members:
            counts = self.counts(member.title, member.text)
            story.names.append((self.names(member.title), frozenset(counts)))
            self._join(story, self.vector(counts), member)
            story.ordinals |= self.ordinals(member.title)
            if member.group is not None:
                self.by_group.setdefault(member.group, story_id)
        if story.title is None:  # (the replay chose again among its members' titles)
            story.title = title

    def expire(self, today: date) -> list[StoryState]:
        """Stories no article can join any more, even one arriving late (their window ends more
        than LATE_DAYS before `today`): dropped from the active state and returned. Which
        stories an article may join is decided by its own day (`candidates`), not by this."""
        closed = [
            story
            for story in self.stories.values()
            if min(story.last.toordinal() + self.window_days, story.first.toordinal() + MAX_SPAN_DAYS)
            < today.toordinal() - LATE_DAYS
        ]
        for story in closed:
            for term in story.probes:
                self.by_probe.get(term, set()).discard(story.story_id)
            del self.stories[story.story_id]
        return closed


def cluster(articles: Iterable[StoryInput], clusterer: StoryClusterer | None = None) -> dict[int, int]:
    """Article key → story id, for articles given in arrival order."""
    clusterer = clusterer or StoryClusterer()
    return {article.key: clusterer.add(article) for article in articles}
