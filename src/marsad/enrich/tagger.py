"""Text → named-entity mentions with their offsets in the text as published.

A linear-chain CRF (CRFsuite, through python-crfsuite: a small C library, fast on one core, no
model download) over the features of `marsad.enrich.features`. The model ships in the package
(`ner.crfsuite.gz`, rebuilt by `marsad train-ner`) and is loaded on first use.
"""

from __future__ import annotations

import gzip
import struct
import threading
from collections.abc import Sequence
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from marsad.enrich.discourse import (
    Recall,
    agrees,
    bodies_named_for_places,
    canals_are_places,
    facilities_named_for_people,
    idioms_are_no_names,
    money_is_misc,
    newspapers_are_organisations,
    propagate,
)
from marsad.enrich.features import Featurizer, Resources, name_unclitic, word_form, written_in_gazetteer
from marsad.enrich.tokens import Token, is_acronym, sentences
from marsad.enrich.train import chunks
from marsad.model import Mention

if TYPE_CHECKING:
    import pycrfsuite

MODEL_FILE = "ner.crfsuite.gz"
_GLUED = frozenset("وفبكل")  # one-letter proclitics a mention's first word may carry
_MARKS = frozenset(chr(c) for c in (*range(0x064B, 0x0660), 0x0670, 0x0640))  # tashkeel, tatweel


def read_model(path: Path | str) -> bytes:
    """A model file's bytes, gunzipped when it is gzipped."""
    data = Path(path).read_bytes()
    return gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data


def passes(model: bytes) -> tuple[bytes, bytes]:
    """A model file's two models: the first pass's and the second's (empty when it has none).
    They lie back to back, and CRFsuite's header gives a model's size after its magic."""
    size = struct.unpack_from("<I", model, 4)[0]
    return model[:size], model[size:]


def shipped_model_path() -> Path:
    """Where the package keeps its model (what `marsad train-ner` writes by default)."""
    return Path(str(resources.files("marsad.enrich").joinpath(MODEL_FILE)))


def shipped_model() -> bytes:
    return gzip.decompress(resources.files("marsad.enrich").joinpath(MODEL_FILE).read_bytes())


class Tagger:
    """A loaded model. One instance per thread: CRFsuite's tagger keeps state between calls
    (`default_tagger` gives each thread its own)."""

    def __init__(
        self,
        model: bytes | Path | str | None = None,
        features: Resources | None = None,
        spread: bool = True,
    ) -> None:
        """`spread`: tag a name found once wherever it recurs in the text (`discourse.propagate`)."""
        import pycrfsuite

        self.spread = spread
        if model is None:
            model = shipped_model()
        elif not isinstance(model, bytes):
            model = read_model(model)
        # CRFsuite reads a model in place: the bytes must live as long as the tagger does
        self._models = passes(model)
        self._crf: pycrfsuite.Tagger = pycrfsuite.Tagger()
        self._crf.open_inmemory(self._models[0])
        self._second: pycrfsuite.Tagger | None = None
        if self._models[1]:
            self._second = pycrfsuite.Tagger()
            self._second.open_inmemory(self._models[1])
        known = {
            attribute
            for crf in (self._crf, self._second)
            if crf
            for attribute, _ in crf.info().state_features
        }
        self.featurizer = Featurizer(features, frozenset(known))

    def tag_tokens(self, tokens: Sequence[str]) -> list[str]:
        """IOB2 tags of one sentence's tokens."""
        if not tokens:
            return []
        return list(self._crf.tag(self.featurizer.sentence(tokens)))

    def tag_article(self, sentences: Sequence[Sequence[str]]) -> list[list[str]]:
        """IOB2 tags of an article's sentences of tokens. A first pass tags each sentence alone;
        a second (when the model has one) re-tags each sentence where a word's tags elsewhere in
        the article disagree with its own (`discourse.Recall`); rules on what the model was not
        taught follow (money, facilities named for kings, idioms, canals: `discourse`); then, with
        `spread`, names are spread (`discourse.propagate`), and last a newspaper quoted by name
        is an organisation (`discourse.newspapers_are_organisations`)."""
        word = self.featurizer.word
        words = [[word(token) for token in tokens] for tokens in sentences]
        feats = [self.featurizer.features(sentence) for sentence in words]
        forms = [[w.bare for w in sentence] for sentence in words]
        tags = [list(self._crf.tag(sentence)) if sentence else [] for sentence in feats]
        if self._second is not None:
            recall = Recall(forms, tags)
            for k, sentence in enumerate(feats):
                if recall.names.isdisjoint(forms[k]):
                    continue  # no word of it is in a name anywhere in the article
                recalled = recall.features(forms[k], tags[k])
                if not agrees(recalled, tags[k]):
                    tags[k] = list(self._second.tag([f + r for f, r in zip(sentence, recalled, strict=True)]))
        tags = money_is_misc(forms, tags)
        written = [[w.form for w in sentence] for sentence in words]
        tags = idioms_are_no_names(written, facilities_named_for_people(written, tags))
        tags = bodies_named_for_places(written, canals_are_places(written, tags))
        if self.spread:
            tags = propagate(forms, tags, _frequency())
        return newspapers_are_organisations(written, tags)  # (not spread: the place is a place)

    def tag(self, text: str) -> list[Mention]:
        """Every mention in `text` (an article: names found once are looked for again across
        it, `discourse.propagate`), in order, with offsets into `text` itself."""
        cut = sentences(text)
        tags = self.tag_article([[token.text for token in sentence] for sentence in cut])
        found: list[Mention] = []
        for sentence, sentence_tags in zip(cut, tags, strict=True):
            for start, end, kind in chunks(sentence_tags):
                if kind == "PERS" and end - start == 1 and is_acronym(sentence[start].text):
                    kind = "ORG"  # «بي.إم.آي»: no person goes by letters alone in the news
                found.append(_mention(text, sentence[start:end], kind))
        return _outside_dates(text, found)


def _outside_dates(text: str, mentions: list[Mention]) -> list[Mention]:
    """The mentions that are not inside a date or a month the date reader finds («18 نيسان»,
    «أبريل (نيسان)», «25 رمضان»): a month is no name, and ANERcorp's only نيسان tagged is Nissan,
    so the tagger took the Levantine April for a company (169 SaudiNewsNet articles)."""
    if not mentions:
        return mentions
    from marsad.enrich.dates import date_spans

    spans = date_spans(text)
    if not spans:
        return mentions
    return [m for m in mentions if not any(start <= m.start and m.end <= end for start, end in spans)]


def _mention(text: str, tokens: Sequence[Token], kind: str) -> Mention:
    start, end = tokens[0].start, tokens[-1].end
    if not written_in_gazetteer(word_form(text[start:end])):  # بيونغ يانغ: no ب + «يونغ يانغ»
        start += _glued_prefix(tokens[0].text)
    return Mention(text[start:end], kind, start, end)


def _glued_prefix(word: str) -> int:
    """How many characters of a name's first word are a conjunction or preposition glued to it
    (و، ف، ب، ك، ل before the name or its article): والكرملين → 1, وبالعراق → 2, بوتين → 0,
    للكرملين → 0 (its لل is ل + the article's ل, and the article stays), فيصل and كيري → 0 (a
    name in its own right, not ف + يصل or ك + يري: `features.name_unclitic` decides)."""
    form = word_form(word)
    bare = name_unclitic(form)
    if bare == form or not form.endswith(bare):
        return 0
    removed = form[: len(form) - len(bare)]
    if removed.endswith("ال") or removed.endswith("لل"):
        removed = removed[:-2]
    if not removed or any(c not in _GLUED for c in removed):
        return 0
    letters, index = 0, 0
    while index < len(word) and letters < len(removed):
        if word[index] not in _MARKS:
            letters += 1
        index += 1
    while index < len(word) and word[index] in _MARKS:
        index += 1
    return index if index < len(word) else 0


def _frequency() -> dict[str, int]:
    from marsad.search.lexicon import lexicon

    return lexicon().frequency


_local = threading.local()


@cache
def _shipped() -> bytes:
    return shipped_model()


def default_tagger() -> Tagger:
    """This thread's tagger with the shipped model (loaded on first use)."""
    tagger: Tagger | None = getattr(_local, "tagger", None)
    if tagger is None:
        tagger = _local.tagger = Tagger(_shipped())
    return tagger


def tag(text: str) -> list[Mention]:
    """The named entities of `text` (PERS, ORG, LOC, MISC) with offsets into `text`."""
    return default_tagger().tag(text)
