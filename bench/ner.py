"""Named entities: CoNLL entity-level P/R/F1 per type and micro on ANERcorp (CAMeL split,
re-created) test.txt, Marsad's tagger against its baselines in the same run; then tagging speed
on SaudiNewsNet articles.

    uv run python bench/ner.py                   # the shipped model, the baselines trained here
    uv run python bench/ner.py --train           # train Marsad's model here too (a few minutes)
    uv run python bench/ner.py --tune            # choose c1/c2 on a validation part of train.txt
    uv run python bench/ner.py --articles 5000   # more articles for the speed figure

Baselines (run every time, trained on train.txt only):
- dictionary: every name train.txt tags, with its most frequent type, matched longest-first on
  the test tokens (what a tagger gets by memory alone: the CoNLL shared tasks' baseline);
- CRF, word features: the same CRF with the word's own forms, affixes, shape and neighbours but
  none of the data-derived features (no word clusters, gazetteer, trigger words, lexicon).
Never tuned on test.txt: `--tune` scores settings on the last 15% of train.txt.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path

from common import SEED, SHARED_DATA, log, print_table, require, saudinewsnet_texts, write_json
from marsad.enrich.discourse import tag_longest
from marsad.enrich.features import Resources, default_resources, word_form
from marsad.enrich.port import ENTITY_TYPES
from marsad.enrich.tagger import Tagger, passes, shipped_model
from marsad.enrich.tokens import sentences as token_sentences
from marsad.enrich.train import (
    ARTICLE,
    Score,
    Sentence,
    chunks,
    evaluate,
    read_conll,
    score,
    train,
    validation_split,
)

LABEL = "ANERcorp (CAMeL split, re-created)"


def dictionary_baseline(fit: Sequence[Sentence], test: Sequence[Sentence]) -> Score:
    """Names seen in training, longest match first, tagged with their most frequent type."""
    seen: dict[tuple[str, ...], Counter[str]] = defaultdict(Counter)
    for sentence in fit:
        tags = [t for _, t in sentence]
        for start, end, kind in chunks(tags):
            seen[tuple(word_form(w) for w, _ in sentence[start:end])][kind] += 1
    longest = max(map(len, seen))
    table = {name: kinds.most_common(1)[0][0] for name, kinds in seen.items()}
    predicted = []
    for sentence in test:
        forms = [word_form(w) for w, _ in sentence]
        predicted.append(tag_longest(forms, table, longest, ["O"] * len(forms)))
    return score(test, predicted)


def trained(fit: Sequence[Sentence], resources: Resources, **params: float | bool) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        return train(fit, Path(folder) / "model", resources, **params).read_bytes()  # type: ignore[arg-type]


def rows(name: str, result: Score) -> list[list[object]]:
    out = []
    for kind in (*ENTITY_TYPES, None):
        precision, recall, f1 = result.prf(kind)
        gold = result.gold[kind] if kind else sum(result.gold.values())
        out.append([name, kind or "micro", precision, recall, f1, gold])
    return out


def tune(train_sentences: list[Sentence], resources: Resources) -> None:
    fit, held = validation_split(train_sentences)
    log(f"tuning on {len(fit):,} sentences, scoring on the last {len(held):,} of train.txt")
    table = []
    for c1, c2 in ((0.01, 0.1), (0.02, 0.1), (0.05, 0.05), (0.1, 0.01), (0.02, 0.3), (0.2, 0.05)):
        model = trained(fit, resources, c1=c1, c2=c2)
        for article in (0, 5, 20, 40):
            result = evaluate(model, held, resources, article=article)
            table.append([c1, c2, article, *result.prf()])
        log(f"c1={c1} c2={c2}: micro F1 {result.prf()[2]:.3f}")
    columns = [("c1", ">5"), ("c2", ">5"), ("article", ">7"), ("P", ">6.3f"), ("R", ">6.3f"), ("F1", ">6.3f")]
    print_table(columns, table)


def throughput(articles: int) -> dict[str, float]:
    """Tokens and articles a second, tagging SaudiNewsNet articles on one core (a warm-up of
    200 other articles first: the first calls load the model and fill the word memo)."""
    texts = [text for _, text in saudinewsnet_texts(require(SHARED_DATA / "saudinewsnet"))]
    sample = random.Random(SEED).sample(texts, min(len(texts), articles + 200))
    tagger = Tagger()
    for text in sample[:200]:
        tagger.tag(text)
    chosen = sample[200:]
    tokens = sum(len(s) for text in chosen for s in token_sentences(text))
    started = time.process_time()
    mentions = sum(len(tagger.tag(text)) for text in chosen)
    cpu = time.process_time() - started
    return {
        "articles": len(chosen),
        "tokens": tokens,
        "mentions": mentions,
        "cpu_s": cpu,
        "tokens_per_s": tokens / cpu,
        "articles_per_s": len(chosen) / cpu,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=SHARED_DATA / "anercorp")
    parser.add_argument(
        "--train", action="store_true", help="train Marsad's model here instead of loading it"
    )
    parser.add_argument("--tune", action="store_true", help="choose c1/c2 on a validation part of train.txt")
    parser.add_argument(
        "--articles", type=int, default=2000, help="SaudiNewsNet articles for the speed figure"
    )
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)

    train_sentences = read_conll(require(args.data / "train.txt"))
    test = read_conll(require(args.data / "test.txt"))
    resources = default_resources()
    if args.tune:
        tune(train_sentences, resources)
        return 0

    results: dict[str, Score] = {}
    log("dictionary baseline")
    results["dictionary (baseline)"] = dictionary_baseline(train_sentences, test)
    log("CRF with word features only (baseline): training")
    plain = Resources(lexicon=False)
    results["CRF, word features (baseline)"] = evaluate(
        trained(train_sentences, plain, second_pass=False), test, plain
    )
    if args.train:
        log("Marsad's CRF: training")
        model = trained(train_sentences, resources)
    else:
        model = shipped_model()
    name = "Marsad (shipped model)" if not args.train else "Marsad (trained here)"
    results[f"{name}, each sentence alone"] = evaluate(model, test, resources)
    # what `tag(article)` adds: a second pass that recalls the first's names, and names spread;
    # ANERcorp marks no article ends, so runs of ARTICLE consecutive sentences stand for articles
    first_pass = passes(model)[0]
    results[f"{name}, {ARTICLE}-sentence articles, one pass"] = evaluate(
        first_pass, test, resources, article=ARTICLE
    )
    results[f"{name}, {ARTICLE}-sentence articles"] = evaluate(model, test, resources, article=ARTICLE)

    print(f"\n{LABEL}: train {len(train_sentences):,} sentences, test {len(test):,} (CoNLL entity level)\n")
    table = [row for name, result in results.items() for row in rows(name, result)]
    columns = [
        ("system", "<56"),
        ("type", "<6"),
        ("P", ">6.3f"),
        ("R", ">6.3f"),
        ("F1", ">6.3f"),
        ("gold", ">6,"),
    ]
    print_table(columns, table, rule=True)

    log(f"throughput on {args.articles:,} SaudiNewsNet articles")
    speed = throughput(args.articles)
    print(
        f"\ntagging, one core: {speed['articles']:,} SaudiNewsNet articles, {speed['tokens']:,} tokens, "
        f"{speed['mentions']:,} mentions in {speed['cpu_s']:.1f} s CPU: "
        f"{speed['tokens_per_s']:,.0f} tokens/s, {speed['articles_per_s']:,.0f} articles/s"
    )
    write_json(args.json, {"label": LABEL, "scores": table, "throughput": speed})
    return 0


if __name__ == "__main__":
    sys.exit(main())
