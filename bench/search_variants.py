"""Known-item queries for bench/search_quality.py: words of a title, rewritten the ways people type.

A query is 2–4 content words of an article's title, in title order. Each variant set rewrites
the same words (every rewrite is seeded by the run's seed, the article id and the set, so a
query does not change when the sample grows or another set is added):

- ``clean``: the words as written in the title;
- ``spelling``: hamza forms dropped (أ/إ/آ → ا) or added to a bare initial alef (ا → أ/إ),
  ة ↔ ه and ى ↔ ي at the end of a word;
- ``clitics``: و / ب / ل / ف / وال / بال / لل / ال attached the way Arabic attaches them
  (الرئيس → والرئيس, بالرئيس, للرئيس, رئيس; رئيس → ورئيس, برئيس, الرئيس, للرئيس; a word that
  already has وال/بال/فال/كال swaps it; a present-tense verb only takes و / ف / ل; only forms
  the corpus attests at least twice are used, so no بالسويسرا: failing those, و + the word);
- ``tashkeel``: harakat, sukun, shadda and tanween on random letters, and now and then a
  tatweel between two letters that join;
- ``all``: clitics, then spelling, then tashkeel.

In every set but ``clean`` each word is rewritten with some probability and at least one word
of the query is (when any rewrite applies to it).
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Container, Iterable, Sequence

from common import ARABIC_WORD, HARAKAT, NON_JOINING, SHADDA, TANWEEN, TATWEEL, VECTORS

VARIANT_SETS = ("clean", "spelling", "clitics", "tashkeel", "all")

HAMZA_ALEFS = "أإآ"
LONG_VOWELS = set("اىو")  # no haraka written on them in ordinary text

# Words that never make a query: particles, prepositions, pronouns (Lucene's Arabic stop words,
# in both hamza spellings, plus the prepositions headlines use most).
_EXTRA_STOP = """
في من على إلى الى عن مع بين بعد قبل ضد حول خلال عبر منذ حتى نحو لدى أمام امام بسبب وسط دون عند
تحت فوق ضمن رغم إثر اثر عقب وفق بحسب لصالح أو او ثم إن أن ان لا لم لن قد هذا هذه ذلك تلك التي
الذي الذين كان كانت يكون تكون ليس غير كل بعض أي اي ما ماذا لماذا كيف هل أين اين متى عبر لدى
"""
_LUCENE_STOPWORDS = VECTORS / "lucene_arabic_stopwords.txt"


def _stop_words() -> frozenset[str]:
    words = set(_EXTRA_STOP.split())
    if _LUCENE_STOPWORDS.exists():
        for line in _LUCENE_STOPWORDS.read_text("utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                words.add(line.strip())
    return frozenset(words)


STOP_WORDS = _stop_words()
MIN_LETTERS = 3


def content_words(title: str) -> list[str]:
    """The title's words that can make a query: Arabic letters only, ≥ 3 of them, not a particle.

    Words written with digits, Latin letters, tashkeel or tatweel are left out (so that every
    variant starts from a plain word); title order is kept.
    """
    out = []
    for token in title.split():
        token = token.strip(".,:;!?؟،؛()[]{}«»\"'“”‘’-–—…/")
        if len(token) >= MIN_LETTERS and ARABIC_WORD.fullmatch(token) and token not in STOP_WORDS:
            out.append(token)
    return out


QUERY_WORDS = (2, 4)  # fewest and most words a query takes from its title


def pick_words(words: Sequence[str], rng: random.Random, sizes: tuple[int, int] = QUERY_WORDS) -> list[str]:
    """2–4 (or `sizes`) of the words (as many as there are, up to the random count), in order."""
    count = rng.randint(min(sizes[0], len(words)), min(sizes[1], len(words)))
    return [words[i] for i in sorted(rng.sample(range(len(words)), count))]


# ------------------------------------------------------------------------------ word rewrites

Rewrite = Callable[[str, random.Random], str | None]  # None: nothing applies to this word


def spelling(word: str, rng: random.Random) -> str | None:
    """One or more of the spelling variants writers use interchangeably."""
    options: list[Callable[[str], str]] = []
    if any(c in HAMZA_ALEFS for c in word):
        options.append(lambda w: "".join("ا" if c in HAMZA_ALEFS else c for c in w))
    if word[0] == "ا" and not word.startswith("ال") and len(word) > 3:
        options.append(lambda w: rng.choice("أإ") + w[1:])
    if word[-1] == "ة":
        options.append(lambda w: w[:-1] + "ه")
    elif word[-1] == "ه" and len(word) > 3:
        options.append(lambda w: w[:-1] + "ة")
    if word[-1] == "ى":
        options.append(lambda w: w[:-1] + "ي")
    elif word[-1] == "ي":
        options.append(lambda w: w[:-1] + "ى")
    if not options:
        return None
    chosen = [f for f in options if rng.random() < 0.5] or [rng.choice(options)]
    for rewrite in chosen:
        word = rewrite(word)
    return word


def _lil(bare: str) -> str:
    """ل + ال + bare: للرئيس; a bare word starting with ل keeps two lams (للجنة)."""
    return "ل" + bare if bare.startswith("ل") else "لل" + bare


def clitic_forms(word: str) -> list[str]:
    """The forms a word takes with the proclitics و ب ل ف and the article (ال, وال, بال, لل)."""
    for prefix in ("وال", "بال", "فال", "كال"):
        if word.startswith(prefix) and len(word) > len(prefix) + 2:
            bare = word[len(prefix) :]
            forms = ["ال" + bare, bare, "وال" + bare, "بال" + bare, _lil(bare)]
            return [f for f in forms if f != word]
    if word.startswith("لل"):  # للرئيس: which bare word it hides is ambiguous; keep it, add و / ف
        return ["و" + word, "ف" + word]
    if word.startswith("ال") and len(word) > 4:
        bare = word[2:]
        return ["و" + word, "ب" + word, "ف" + word, _lil(bare), bare, "و" + bare]
    if word.startswith("ي"):  # a present-tense verb: only و, ف and the lam of purpose attach
        return ["و" + word, "ف" + word, "ل" + word]
    if word[0] in "وفبلك":  # maybe a proclitic already (وإصابة, بتدريبات): only و / ف go before it
        return [c + word for c in "وف" if c != word[0]]
    return [prefix + word for prefix in ("و", "ب", "ل", "ف", "ال", "وال", "بال")] + [_lil(word)]


def clitics_in(vocabulary: Container[str]) -> Rewrite:
    """The clitic rewrite restricted to forms the corpus attests (no بالسويسرا, no بالبيد), with
    و + word, always grammatical for a content word, when none is (unless it starts with و / ف)."""

    def rewrite(word: str, rng: random.Random) -> str | None:
        forms = [f for f in clitic_forms(word) if f in vocabulary]
        if forms:
            return rng.choice(forms)
        return None if word[0] in "وف" else "و" + word

    return rewrite


def tashkeel(word: str, rng: random.Random) -> str | None:
    """Harakat on about half the letters, a shadda now and then, tanween sometimes at the end,
    and in one word in five a tatweel between two letters that join."""
    letters = list(word)
    out: list[str] = []
    marked = False
    for i, letter in enumerate(letters):
        out.append(letter)
        last = i == len(letters) - 1
        if letter in LONG_VOWELS or not ARABIC_WORD.fullmatch(letter):
            continue
        if last and rng.random() < 0.15:
            out.append(rng.choice(TANWEEN))
            marked = True
            continue
        if i > 0 and not last and rng.random() < 0.08:
            out += [SHADDA, rng.choice(HARAKAT[:3])]  # a shadda carries a vowel, never a sukun
            marked = True
        elif rng.random() < 0.5:
            out.append(rng.choice(HARAKAT))
            marked = True
    if not marked:  # at least one mark on the word
        spots = [k for k, c in enumerate(out) if c not in LONG_VOWELS and ARABIC_WORD.fullmatch(c)]
        if not spots:
            return None
        k = rng.choice(spots)
        out.insert(k + 1, rng.choice(HARAKAT))
    if rng.random() < 0.2:
        joins = [
            k
            for k in range(len(out) - 1)
            if ARABIC_WORD.fullmatch(out[k]) and out[k] not in NON_JOINING and k < len(out) - 2
        ]
        if joins:
            k = rng.choice(joins)
            # after the letter's marks: tatweel carries no mark of its own here
            end = k + 1
            while end < len(out) and not ARABIC_WORD.fullmatch(out[end]):
                end += 1
            if end < len(out):
                out.insert(end, TATWEEL)
    return "".join(out)


def rewrite_query(words: Sequence[str], rewrite: Rewrite, rng: random.Random, share: float) -> list[str]:
    """Each word rewritten with probability `share`; at least one word rewritten when any can be."""
    out = list(words)
    candidates = []
    changed = False
    for i, word in enumerate(words):
        new = rewrite(word, rng)
        if new is None or new == word:
            continue
        candidates.append((i, new))
        if rng.random() < share:
            out[i] = new
            changed = True
    if not changed and candidates:
        i, new = rng.choice(candidates)
        out[i] = new
    return out


SHARE = {"spelling": 0.7, "clitics": 0.6, "tashkeel": 0.8}


def variants(words: Sequence[str], seed: int, key: str, vocabulary: Container[str]) -> dict[str, str]:
    """Every variant set's query (space-separated words) for one article's chosen title words."""
    rewrites: dict[str, Rewrite] = {
        "spelling": spelling,
        "clitics": clitics_in(vocabulary),
        "tashkeel": tashkeel,
    }
    out = {"clean": " ".join(words)}
    for name in ("spelling", "clitics", "tashkeel"):
        rng = random.Random(f"{seed}:{key}:{name}")
        out[name] = " ".join(rewrite_query(words, rewrites[name], rng, SHARE[name]))
    rng = random.Random(f"{seed}:{key}:all")
    combined = list(words)
    for name in ("clitics", "spelling", "tashkeel"):
        combined = rewrite_query(combined, rewrites[name], rng, SHARE[name])
    out["all"] = " ".join(combined)
    return out


def vocabulary(texts: Iterable[str], min_count: int = 2) -> set[str]:
    """Word forms (Arabic letters only, as written) that occur at least `min_count` times."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(ARABIC_WORD.findall(text))
    return {word for word, count in counts.items() if count >= min_count}


def sample_queries(
    ids: Sequence[str],
    titles: Sequence[str],
    count: int,
    seed: int,
    vocabulary: Container[str],
    sizes: tuple[int, int] = QUERY_WORDS,
) -> tuple[dict[str, dict[str, str]], int]:
    """Queries (`make_queries`) for a seeded sample of `count` articles (all, when fewer) among
    those whose title has ≥ 3 content words; and how many articles have such a title."""
    title_of = dict(zip(ids, titles, strict=True))
    eligible = sorted(i for i, title in title_of.items() if len(content_words(title)) >= 3)
    chosen = random.Random(seed).sample(eligible, min(count, len(eligible)))
    return make_queries(((i, title_of[i]) for i in chosen), seed, vocabulary, sizes), len(eligible)


def make_queries(
    titles: Iterable[tuple[str, str]],
    seed: int,
    vocabulary: Container[str],
    sizes: tuple[int, int] = QUERY_WORDS,
) -> dict[str, dict[str, str]]:
    """{article id: {variant set: query}} for (article id, title) pairs with ≥ 3 content words."""
    queries = {}
    for key, title in titles:
        words = content_words(title)
        if len(words) >= 3:
            rng = random.Random(f"{seed}:{key}:words")
            queries[key] = variants(pick_words(words, rng, sizes), seed, key, vocabulary)
    return queries
