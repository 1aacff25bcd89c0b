"""Train and score the named-entity tagger: CoNLL files in, a CRFsuite model out.

The data is ANERcorp in CAMeL Lab's train/test split (../shared/data/anercorp: `token TAG` a
line, IOB2, a blank line between sentences). The model learns from train.txt only; its
settings were chosen on a validation part carved from train.txt (`validation_split`), never on
test.txt, which is read only to report the score.
"""

from __future__ import annotations

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
) -> Path:
    """Fit a CRF (L-BFGS, elastic net) on the sentences and write the model file `out`."""
    import pycrfsuite

    featurizer = Featurizer(resources)
    trainer = pycrfsuite.Trainer(verbose=False)
    for sentence in sentences:
        tokens = [token for token, _ in sentence]
        trainer.append(featurizer.sentence(tokens), [tag for _, tag in sentence])
    trainer.set_params(
        {
            "c1": c1,
            "c2": c2,
            "max_iterations": max_iterations,
            "feature.possible_transitions": True,
            "feature.minfreq": MIN_FEATURE_FREQ,
        }
    )
    out = Path(out)
    trainer.train(str(out))
    return out


def predict(
    model: Path | str | bytes,
    sentences: Iterable[Sequence[str]],
    resources: Resources | None = None,
    spread: int = 0,
) -> list[list[str]]:
    """IOB2 tags for each sentence of tokens, from a model file (or its bytes). `spread` > 0:
    names are spread (`discourse.propagate`) within each run of that many sentences, taken for
    an article (ANERcorp keeps its articles' sentences in order but does not mark where they end)."""
    from marsad.enrich.discourse import propagate
    from marsad.enrich.tagger import Tagger
    from marsad.search.lexicon import lexicon

    tagger = Tagger(model if isinstance(model, bytes) else Path(model), resources, spread=False)
    listed = [list(tokens) for tokens in sentences]
    tags = [tagger.tag_tokens(tokens) for tokens in listed]
    if spread <= 0:
        return tags
    out: list[list[str]] = []
    word = tagger.featurizer.word
    for first in range(0, len(listed), spread):
        forms = [[word(t).bare for t in tokens] for tokens in listed[first : first + spread]]
        out += propagate(forms, tags[first : first + spread], lexicon().frequency)
    return out


# ------------------------------------------------------------------------------------ scoring
# CoNLL's conlleval rules, written here because seqeval (the usual Python port) pulls in
# scikit-learn for a dozen lines: an entity starts at B-, or at an I- that does not continue
# an entity of its type; a prediction counts only when its type and both ends are right.


def chunks(tags: Sequence[str]) -> set[tuple[int, int, str]]:
    """(start, end, type) of every entity in an IOB tag sequence, conlleval's way."""
    found: set[tuple[int, int, str]] = set()
    start, kind = -1, ""
    for i, tag in enumerate([*tags, "O"]):
        prefix, _, tag_type = tag.partition("-")
        continues = prefix == "I" and tag_type == kind and start >= 0
        if start >= 0 and not continues:
            found.add((start, i, kind))
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
        gold, predicted = chunks(gold_tags), chunks(predicted_tags)
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
    spread: int = 0,
) -> Score:
    """Score a model on gold sentences (`spread`: see `predict`)."""
    return score(sentences, predict(model, ([t for t, _ in s] for s in sentences), resources, spread))


def train_and_write(data: Path, out: Path, resources: Resources | None = None) -> tuple[Path, Score]:
    """`marsad train-ner`: fit on data/train.txt, write `out` gzipped, score on data/test.txt
    (when present). The model is written next to `out` first and moved into place, so a
    tagger never reads half a file."""
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
    result = evaluate(model, read_conll(test), resources) if test.exists() else Score()
    return out, result
