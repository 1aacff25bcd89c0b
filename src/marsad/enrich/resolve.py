"""Entity resolution: the variants of one name get one entity id.

Within an article (`resolve_article`):
- spelling: names are compared on their normalized words (إيلون ماسك = ايلون ماسك);
- clitics and the article on the first word: والكرملين = الكرملين = كرملين;
- titles: a person's leading titles and honorifics (triggers.toml `title`, `honorific`) and a
  nationality or qualifier right after them go (الرئيس الروسي فلاديمير بوتين = فلاديمير بوتين,
  الملياردير إيلون ماسك = إيلون ماسك);
- surnames: a person named by the end of a fuller name seen in the same article is that person
  (ماسك → إيلون ماسك), when only one fuller name ends so;
- one type per name: a name tagged with two types in one article takes the type most of its
  mentions have.
Across articles (`merge_short_forms`): a short person name that only one fuller name of the
archive ends with is merged into it.

The entity id is derived from the type and the canonical key, so every article, process and
machine gives one name the same id with no shared state.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence

from marsad.enrich.features import gazetteer_key, load_triggers, unclitic
from marsad.model import Entity, Mention, stable_id

PERSON = "PERS"
_TITLE_CLASSES = frozenset({"title", "honorific"})


def entity_id(kind: str, key: str) -> str:
    """The stable id of a (type, canonical key)."""
    return stable_id(kind, key, size=8)


def _is_nisba(word: str) -> bool:
    """A nationality or origin after a title (الروسي، الأميركي، الأمريكية)."""
    return word.startswith("ال") and word.endswith(("ي", "يه")) and len(word) > 4


def name_words(text: str, kind: str) -> tuple[str, ...]:
    """A mention's canonical words: normalized, the first without its clitics and article, and
    for a person without the titles before the name."""
    words = gazetteer_key(text)
    if kind != PERSON or len(words) < 2:
        return words
    triggers = load_triggers()
    forms = list(words)
    start = 0
    titled = False
    while start < len(forms) - 1:
        bare = unclitic(forms[start]) if start else forms[0]  # (the first is unclitic already)
        if triggers.get(bare) in _TITLE_CLASSES or triggers.get(forms[start]) in _TITLE_CLASSES:
            titled = True
            start += 1
        elif titled and (_is_nisba(forms[start]) or triggers.get(bare) == "qualifier"):
            start += 1
        else:
            break
    rest = forms[start:]
    if start:
        rest[0] = unclitic(rest[0])
    return tuple(rest)


def _fuller(short: tuple[str, ...], candidates: Iterable[tuple[str, ...]]) -> tuple[str, ...] | None:
    """The one fuller name that ends with `short` (a surname, or a name without its first
    names), if exactly one does, counting a name and the longer names that end with it as one
    (فلاديمير بوتين and فلاديمير فلاديميروفيتش بوتين are not; بوتين is then left alone)."""
    longer = {c for c in candidates if len(c) > len(short) and c[-len(short) :] == short}
    maximal = {c for c in longer if not any(o != c and len(o) > len(c) and o[-len(c) :] == c for o in longer)}
    return next(iter(maximal)) if len(maximal) == 1 else None


def resolve_article(mentions: Sequence[Mention]) -> list[Entity]:
    """One entity for each mention of one article (same order); variants share one entity."""
    keys = [name_words(m.text, m.type) for m in mentions]
    people = {key for key, m in zip(keys, mentions, strict=True) if m.type == PERSON and key}
    canonical = list(keys)
    for i, (key, mention) in enumerate(zip(keys, mentions, strict=True)):
        if mention.type == PERSON and key:
            canonical[i] = _fuller(key, people) or key
    types: dict[tuple[str, ...], Counter[str]] = defaultdict(Counter)
    spellings: dict[tuple[str, ...], str] = {}
    for key, mention in zip(canonical, mentions, strict=True):
        types[key][mention.type] += 1
        current = spellings.get(key)
        if current is None or len(mention.text) > len(current):
            spellings[key] = mention.text
    out = []
    for key in canonical:
        kind = max(types[key].items(), key=lambda item: item[1])[0]  # ties: the first type seen
        joined = " ".join(key)
        out.append(Entity(entity_id(kind, joined), kind, joined, _display(spellings[key], kind)))
    return out


def _display(text: str, kind: str) -> str:
    """A name as shown: as written, a person's titles dropped (الرئيس الروسي فلاديمير بوتين →
    فلاديمير بوتين) when the words left are the name's own."""
    if kind != PERSON:
        return text
    words = text.split()
    kept = name_words(text, kind)
    return " ".join(words[len(words) - len(kept) :]) if 0 < len(kept) <= len(words) else text


def merge_short_forms(
    entities: Mapping[Entity, int] | Iterable[Entity], dominance: float = 1.0
) -> dict[str, Entity]:
    """Across the archive: entity id of a short person name → the fuller name it stands for.

    A short name (بوتين) is merged into the fuller name that ends with it (فلاديمير بوتين) when
    that name is the only one (fuller names that end with one another count as one, the
    longest standing for them). `dominance` below 1 also merges when one fuller name holds at
    least that share of the mentions (`entities` as a mapping to mention counts) of all the
    fuller names that end with the short one.
    """
    counts: Mapping[Entity, int] = entities if isinstance(entities, Mapping) else Counter(entities)
    people = {tuple(e.key.split()): e for e in counts if e.type == PERSON and e.key}
    merged: dict[str, Entity] = {}
    for key, entity in people.items():
        longer = [k for k in people if len(k) > len(key) and k[-len(key) :] == key]
        if not longer:
            continue
        maximal = [k for k in longer if not any(len(o) > len(k) and o[-len(k) :] == k for o in longer)]
        if len(maximal) == 1:
            merged[entity.entity_id] = people[maximal[0]]
            continue
        weight = {k: sum(counts[people[o]] for o in longer if o[-len(k) :] == k) for k in maximal}
        best = max(maximal, key=lambda k: weight[k])
        if dominance < 1.0 and weight[best] >= dominance * sum(weight.values()):
            merged[entity.entity_id] = people[best]
    return merged
