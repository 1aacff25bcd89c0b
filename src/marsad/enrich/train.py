"""Train and score the named-entity tagger: CoNLL files in, a CRFsuite model out.

The data is ANERcorp in CAMeL Lab's train/test split (../shared/data/anercorp: `token TAG` a
line, IOB2, a blank line between sentences). The model learns from train.txt only; its
settings were chosen on a validation part carved from train.txt (`validation_split`), never on
test.txt, which is read only to report the score.
"""

from __future__ import annotations

import itertools
import os
import tempfile
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from marsad.enrich.features import Featurizer, Resources
from marsad.enrich.port import ENTITY_TYPES

Sentence = list[tuple[str, str]]  # (token, IOB2 tag)

# Chosen on the validation split (bench/ner.py --tune): L1 and L2 weights, passes of L-BFGS.
C1 = 0.02
C2 = 0.1
MAX_ITERATIONS = 100
MIN_FEATURE_FREQ = 1
# ANERcorp keeps its articles' sentences in order but does not mark where they end: runs of this
# many sentences stand for articles (what `Recall` sees, where names are spread; validation)
ARTICLE = 20
FOLDS = 5  # cross-validation folds that tag the training sentences for `Recall`


@dataclass(slots=True)
class CorpusStats:
    sentences: int = 0
    tokens: int = 0
    malformed: int = 0  # lines that are not `token TAG` with a known tag (kept as O, counted)


def read_conll(path: Path | str, stats: CorpusStats | None = None) -> list[Sentence]:
    """Sentences of a `token TAG` file. A malformed line (no tag, an unknown tag) becomes its
    first field tagged O and is counted in `stats`, never dropped silently."""
    stats = stats if stats is not None else CorpusStats()
    known = {"O"} | {f"{p}-{t}" for p in "BI" for t in ENTITY_TYPES}
    sentences: list[Sentence] = []
    current: Sentence = []
    for line in Path(path).read_text("utf-8").splitlines():
        parts = line.split()
        if not parts:
            if current:
                sentences.append(current)
                current = []
            continue
        if len(parts) != 2 or parts[1] not in known:
            stats.malformed += 1
            current.append((parts[0], "O"))
        else:
            current.append((parts[0], parts[1]))
    if current:
        sentences.append(current)
    stats.sentences = len(sentences)
    stats.tokens = sum(map(len, sentences))
    return sentences


def validation_split(
    sentences: Sequence[Sentence], share: float = 0.15
) -> tuple[list[Sentence], list[Sentence]]:
    """(fit, validation): the last `share` of the training sentences held out, as the test part
    is the corpus's tail (a random split would put sentences of one article on both sides)."""
    cut = int(len(sentences) * (1 - share))
    return list(sentences[:cut]), list(sentences[cut:])


def train(
    sentences: Iterable[Sentence],
    out: Path | str,
    resources: Resources | None = None,
    c1: float = C1,
    c2: float = C2,
    max_iterations: int = MAX_ITERATIONS,
    second_pass: bool = True,
) -> Path:
    """Fit the CRFs (L-BFGS, elastic net) on the sentences and write the model file `out`: the
    first pass's model, then (`second_pass`) the second pass's, back to back (each CRFsuite model
    says its own size). The second learns from `discourse.Recall` features read off `cross_tags`
    within runs of `ARTICLE` sentences: FOLDS + 2 fits instead of one."""
    from marsad.enrich.discourse import Recall

    sentences = list(sentences)
    featurizer = Featurizer(resources)
    tokens = [[token for token, _ in sentence] for sentence in sentences]
    gold = [[tag for _, tag in sentence] for sentence in sentences]
    feats = [featurizer.sentence(sentence) for sentence in tokens]
    model = _fit(zip(feats, gold, strict=True), c1, c2, max_iterations)
    if second_pass:
        earlier = cross_tags(sentences, resources, c1=c1, c2=c2, max_iterations=max_iterations)
        forms = [[featurizer.word(token).bare for token in sentence] for sentence in tokens]
        for first in range(0, len(sentences), ARTICLE):
            run = slice(first, first + ARTICLE)
            recall = Recall(forms[run], earlier[run])
            for k in range(first, min(first + ARTICLE, len(sentences))):
                for token_feats, recalled in zip(
                    feats[k], recall.features(forms[k], earlier[k]), strict=True
                ):
                    token_feats += recalled
        model += _fit(zip(feats, gold, strict=True), c1, c2, max_iterations)
    out = Path(out)
    out.write_bytes(model)
    return out


def _fit(
    examples: Iterable[tuple[list[list[str]], list[str]]], c1: float, c2: float, max_iterations: int
) -> bytes:
    """One CRFsuite model's bytes from (features, tags) sentences."""
    import pycrfsuite

    trainer = pycrfsuite.Trainer(verbose=False)
    for feats, tags in examples:
        trainer.append(feats, tags)
    trainer.set_params(
        {
            "c1": c1,
            "c2": c2,
            "max_iterations": max_iterations,
            "feature.possible_transitions": True,
            "feature.minfreq": MIN_FEATURE_FREQ,
        }
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.crfsuite"
        trainer.train(str(path))
        return path.read_bytes()


def cross_tags(
    sentences: Sequence[Sentence], resources: Resources | None = None, **params: float
) -> list[list[str]]:
    """Every sentence tagged by a first-pass model that did not see it (fit on the other
    FOLDS - 1 contiguous blocks): what the second pass learns from, as wrong as a first pass."""
    out: list[list[str]] = []
    bounds = [round(k * len(sentences) / FOLDS) for k in range(FOLDS + 1)]
    with tempfile.TemporaryDirectory() as folder:
        for start, end in itertools.pairwise(bounds):
            model = train(
                [*sentences[:start], *sentences[end:]],
                Path(folder) / f"{start}.crfsuite",
                resources,
                second_pass=False,
                **params,  # type: ignore[arg-type]
            )
            out += predict(model.read_bytes(), ([t for t, _ in s] for s in sentences[start:end]), resources)
    return out


def predict(
    model: Path | str | bytes,
    sentences: Iterable[Sequence[str]],
    resources: Resources | None = None,
    article: int = 0,
) -> list[list[str]]:
    """IOB2 tags for each sentence of tokens, from a model file (or its bytes). `article` > 0:
    each run of that many sentences is tagged as one article (`Tagger.tag_article`: a second
    pass that recalls the first's names, names spread); 0: each sentence alone, one pass."""
    from marsad.enrich.tagger import Tagger

    tagger = Tagger(model if isinstance(model, bytes) else Path(model), resources)
    listed = [list(tokens) for tokens in sentences]
    if article <= 0:
        return [tagger.tag_tokens(tokens) for tokens in listed]
    return [
        tags
        for first in range(0, len(listed), article)
        for tags in tagger.tag_article(listed[first : first + article])
    ]


# ------------------------------------------------------------------------------------ scoring
# CoNLL's conlleval rules, written here because seqeval (the usual Python port) pulls in
# scikit-learn for a dozen lines: an entity starts at B-, or at an I- that does not continue
# an entity of its type; a prediction counts only when its type and both ends are right.


def chunks(tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """(start, end, type) of every entity in an IOB tag sequence, conlleval's way, in order (a
    set's order moves with each process's string hashes, and the rules that walk the names broke
    ties by it: two runs tagged a few names otherwise)."""
    found: list[tuple[int, int, str]] = []
    start, kind = -1, ""
    for i, tag in enumerate([*tags, "O"]):
        prefix, _, tag_type = tag.partition("-")
        continues = prefix == "I" and tag_type == kind and start >= 0
        if start >= 0 and not continues:
            found.append((start, i, kind))
            start, kind = -1, ""
        if prefix == "B" or (prefix == "I" and not continues):
            start, kind = i, tag_type
    return found


@dataclass(slots=True)
class Score:
    """Entity-level counts and P/R/F1, per type and micro-averaged."""

    true_positives: Counter[str] = field(default_factory=Counter)
    predicted: Counter[str] = field(default_factory=Counter)
    gold: Counter[str] = field(default_factory=Counter)

    def add(self, gold_tags: Sequence[str], predicted_tags: Sequence[str]) -> None:
        gold, predicted = set(chunks(gold_tags)), set(chunks(predicted_tags))
        for _, _, kind in gold:
            self.gold[kind] += 1
        for _, _, kind in predicted:
            self.predicted[kind] += 1
        for _, _, kind in gold & predicted:
            self.true_positives[kind] += 1

    def prf(self, kind: str | None = None) -> tuple[float, float, float]:
        """Precision, recall, F1 of one type, or micro-averaged over all (kind None)."""
        if kind is None:
            tp, pred, gold = (sum(c.values()) for c in (self.true_positives, self.predicted, self.gold))
        else:
            tp, pred, gold = self.true_positives[kind], self.predicted[kind], self.gold[kind]
        precision = tp / pred if pred else 0.0
        recall = tp / gold if gold else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return precision, recall, f1


def score(gold: Sequence[Sentence], predicted: Sequence[Sequence[str]]) -> Score:
    result = Score()
    for sentence, tags in zip(gold, predicted, strict=True):
        result.add([tag for _, tag in sentence], tags)
    return result


def evaluate(
    model: Path | str | bytes,
    sentences: Sequence[Sentence],
    resources: Resources | None = None,
    article: int = 0,
) -> Score:
    """Score a model on gold sentences (`article`: see `predict`)."""
    return score(sentences, predict(model, ([t for t, _ in s] for s in sentences), resources, article))


def train_and_write(data: Path, out: Path, resources: Resources | None = None) -> tuple[Path, Score]:
    """`marsad train-ner`: fit on data/train.txt, write `out` gzipped, score on data/test.txt
    (when present; its runs of ARTICLE sentences tagged as articles). The model is written next
    to `out` first and moved into place, so a tagger never reads half a file."""
    import gzip

    sentences = read_conll(data / "train.txt")
    with tempfile.TemporaryDirectory() as folder:
        raw = train(sentences, Path(folder) / "model.crfsuite", resources)
        model = raw.read_bytes()
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    partial.write_bytes(gzip.compress(model, mtime=0))
    os.replace(partial, out)
    test = data / "test.txt"
    result = evaluate(model, read_conll(test), resources, ARTICLE) if test.exists() else Score()
    return out, result
