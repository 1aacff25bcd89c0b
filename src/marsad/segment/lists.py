"""Split boilerplate lists whose items are glued together by spaces only.

Pages often flatten a list of links into one line: "أخبار ذات صلة بوتين يجدد … بوتين يحذر …" or
"كلمات دلالية: فلاديمير بوتين إيلون ماسك محادثات سرية". When real separators exist they win;
otherwise the split is inferred from the page itself.
"""

from __future__ import annotations

import re
from importlib import resources
from itertools import pairwise

from marsad.text import normalize, words

_SEPARATORS = re.compile(r"\s*(?:[|•·▪،,؛;#\n]|\s-\s|\s–\s)\s*")
_MIN_HEADLINE_WORDS = 4
_MAX_TAG_WORDS = 4


def split_items(value: str) -> list[str] | None:
    """Items of a list written with explicit separators, or None when there are none."""
    if not _SEPARATORS.search(value):
        return None
    items = [item.strip(" \t.:") for item in _SEPARATORS.split(value)]
    return [item for item in items if item]


def split_headlines(value: str) -> list[str]:
    """Headlines of a related-news line.

    Without separators, a headline list about one story tends to repeat its subject at the start
    of each headline ("بوتين يجدد …", "بوتين يحذر …"): cut before each repeat of the first word,
    as long as every piece stays a plausible headline.
    """
    items = split_items(value)
    if items is not None:
        return items
    text = value.strip()
    spans = list(re.finditer(r"\S+", text))
    if not spans:
        return []
    keys = [normalize(m.group()) for m in spans]
    for starts in (_repeated_subject, _new_clause):
        cuts = [0] + [spans[i].start() for i in starts(keys)] + [len(text)]
        pieces = [text[a:b].strip() for a, b in pairwise(cuts)]
        if len(pieces) > 1 and all(len(piece.split()) >= _MIN_HEADLINE_WORDS for piece in pieces):
            return pieces
    return [text]


def _repeated_subject(keys: list[str]) -> list[int]:
    """Headlines about one story repeat its subject first ("بوتين يجدد …"، "بوتين يحذر …")."""
    return [i for i in range(1, len(keys)) if keys[i] == keys[0]]


_PARTICLES = frozenset(
    normalize(word)
    for line in resources.files("marsad.text").joinpath("particles.txt").read_text("utf-8").splitlines()
    if not line.startswith("#")
    for word in line.split()
)
_VERB_LOOKAHEAD = 3


def _looks_like_verb(word: str) -> bool:
    """An imperfect verb (يعلن، تبحث): the predicate most Arabic headlines put after their subject."""
    return len(word) >= 4 and word[0] in "يت" and not word.startswith("ال")


def _new_clause(keys: list[str]) -> list[int]:
    """Where a new headline starts in a run of headlines.

    A headline usually ends on a definite word ("… التعاون الثنائي") and the next opens with an
    indefinite subject head followed within three words by a verb ("قمة ثلاثية تبحث …"، "سلطنة عمان
    تستضيف …"), or with a label and a colon ("دراسة: …"، "الأرصاد: …").
    """
    starts = []
    for i in range(1, len(keys)):
        word, before = keys[i], keys[i - 1]
        if word in _PARTICLES or before in _PARTICLES or word[0] in "و" or not word[0].isalpha():
            continue
        if (word.endswith(":") and not before.endswith(":")) or (
            before.startswith("ال")
            and not word.startswith("ال")
            and not _looks_like_verb(word)
            and any(_looks_like_verb(w) for w in keys[i + 1 : i + 1 + _VERB_LOOKAHEAD])
        ):
            starts.append(i)
    return [i for n, i in enumerate(starts) if n == 0 or i - starts[n - 1] >= _MIN_HEADLINE_WORDS + 1]


def _is_definite(word: str) -> bool:
    return word.startswith("ال") and len(word) > 3


def _is_nisba(word: str) -> bool:
    """Relative adjectives (المصرية، الصحي، سرية) end in ي or يه once normalized."""
    return len(word) > 3 and (word.endswith("يه") or word.endswith("ي"))


def _same_phrase(left: str, right: str) -> bool:
    """Whether two adjacent leftover tag words read as one phrase.

    An indefinite noun before a definite one is a construct ("حالة الطقس", "جسر المشاة", "سالم
    الريامي"); a relative adjective agreeing in definiteness qualifies the word before it
    ("الآثار المصرية", "محادثات سرية"). Anything else starts a new tag ("الغبار" | "حالة الطقس",
    "مسقط" | "سالم الريامي", "اللؤلؤة" | "الصقور").
    """
    if _is_definite(right) and not _is_definite(left):
        return True
    return _is_nisba(right) and _is_definite(left) == _is_definite(right)


def split_tags(value: str, context: str) -> list[str]:
    """Tags of a tags line; multi-word tags are recovered from the page's own text.

    A phrase of two or more words that also occurs in `context` (the page's articles) is one tag
    ("فلاديمير بوتين", "إيلون ماسك"); dynamic programming picks the split with the longest such
    phrases. The words left over are grouped by Arabic phrase structure (`_same_phrase`).
    """
    items = split_items(value)
    if items is not None:
        return items
    tokens = value.split()
    if len(tokens) <= 1:
        return tokens
    keys = [" ".join(words(normalize(token))) for token in tokens]
    vocabulary = f" {' '.join(words(normalize(context)))} "

    def known(start: int, end: int) -> bool:
        return end - start >= 2 and f" {' '.join(keys[start:end])} " in vocabulary

    # best[i] = (score, pieces) for tokens[:i]; a piece is (start, end, known).
    best: list[tuple[int, list[tuple[int, int, bool]]]] = [(0, [])]
    for end in range(1, len(tokens) + 1):
        score, pieces = best[end - 1]
        candidates = [(score, [*pieces, (end - 1, end, False)])]
        for start in range(max(0, end - _MAX_TAG_WORDS), end - 1):
            if known(start, end):
                prior_score, prior = best[start]
                candidates.append((prior_score + (end - start) ** 2, [*prior, (start, end, True)]))
        best.append(max(candidates, key=lambda c: (c[0], -len(c[1]))))
    merged: list[tuple[int, int, bool]] = []
    for start, end, is_known in best[-1][1]:
        joins = merged and not merged[-1][2] and _same_phrase(keys[start - 1], keys[start])
        if joins and (not is_known or _is_nisba(keys[start])):
            # "الرعاية" + known "الصحية الأولية": an adjective phrase found in the text still
            # belongs to the noun before it.
            merged[-1] = (merged[-1][0], end, is_known)
        else:
            merged.append((start, end, is_known))
    return [" ".join(tokens[start:end]) for start, end, _ in merged]
