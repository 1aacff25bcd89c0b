"""One sense per article: a name the tagger found once is the same name wherever else it
stands in the article, and a person's surname alone is that person.

A CRF decides each sentence on its own, so «إيلون ماسك» in the lead and «ماسك» alone three
sentences later may come out differently. After tagging an article, every name found is
looked for again among the words left untagged (longest first, in the same normalized forms
the features use) and tagged with its most frequent type; a full person name also lends its
last word («ماسك»). A one-word name that is also a common word («العربي», «الأمل») is not
spread: the tagger found it where the context said it was a name.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence

from marsad.enrich.train import chunks

COMMON = 50_000  # per billion words (the search lexicon): a one-word name this common is not spread
# (ترامب 25k, بوتين 16k are spread; سلمان 75k, محمد 1.3M, عربي 520k are not)

Forms = tuple[str, ...]


def propagate(
    forms: Sequence[Sequence[str]], tags: Sequence[Sequence[str]], frequency: dict[str, int]
) -> list[list[str]]:
    """The tags of an article's sentences with every name found also tagged where it recurs
    untagged. `forms` are the tokens' words without clitics (`features.unclitic`: والكرملين and
    الكرملين are one), `frequency` the lexicon's occurrences per billion words of such forms."""
    names: dict[Forms, Counter[str]] = defaultdict(Counter)
    for sentence, sentence_tags in zip(forms, tags, strict=True):
        for start, end, kind in chunks(sentence_tags):
            names[tuple(sentence[start:end])][kind] += 1
            if kind == "PERS" and end - start >= 2:
                names[(sentence[end - 1],)]["PERS"] += 0  # a surname: a person unless tagged otherwise
    known = {
        name: kinds.most_common(1)[0][0] if kinds.total() else "PERS"
        for name, kinds in names.items()
        if len(name) > 1 or frequency.get(name[0], 0) < COMMON
    }
    if not known:
        return [list(t) for t in tags]
    longest = max(map(len, known))
    out = []
    for sentence, sentence_tags in zip(forms, tags, strict=True):
        new = list(sentence_tags)
        i = 0
        while i < len(sentence):
            if new[i] != "O":
                i += 1
                continue
            for size in range(min(longest, len(sentence) - i), 0, -1):
                found = known.get(tuple(sentence[i : i + size]))
                if found and all(t == "O" for t in new[i : i + size]):
                    new[i : i + size] = [f"B-{found}"] + [f"I-{found}"] * (size - 1)
                    i += size
                    break
            else:
                i += 1
        out.append(new)
    return out
