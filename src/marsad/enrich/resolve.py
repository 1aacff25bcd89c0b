"""Entity resolution: the variants of one name get one entity id.

Within an article (`resolve_article`):
- spelling: names are compared on their normalized words (إيلون ماسك = ايلون ماسك);
- clitics and the article on the first word: والكرملين = الكرملين = كرملين;
- titles: a person's leading titles and honorifics (triggers.toml `title`, `honorific`) and a
  nationality or qualifier right after them go (الرئيس الروسي فلاديمير بوتين = فلاديمير بوتين,
  الملياردير إيلون ماسك = إيلون ماسك);
- surnames: a person named by the end of a fuller name seen in the same article is that person
  (ماسك → إيلون ماسك), when only one fuller name ends so;
- places and organisations: one name for each (aliases.toml: أميركا = الولايات المتحدة
  الأمريكية = الولايات المتحدة), a designator before a name taken off (دولة الكويت = الكويت);
- one type per name: a name tagged with two types in one article takes the type most of its
  mentions have.
Across articles (`merge_short_forms`): a short person name that only one fuller name of the
archive ends with is merged into it, and a foreign name spelt two ways into the spelling most
articles use (`merge_spellings`: فلاديمير بوتن → فلاديمير بوتين).

The entity id is derived from the type and the canonical key, so every article, process and
machine gives one name the same id with no shared state.
"""

from __future__ import annotations

import tomllib
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from importlib import resources

from marsad.enrich.features import (
    gazetteer_key,
    given_names,
    has_article,
    load_triggers,
    name_unclitic,
    place_unclitic,
    unclitic,
    without_article,
    word_form,
    written_in_gazetteer,
)
from marsad.model import Entity, Mention, stable_id
from marsad.text.normalize import without_marks

PERSON = "PERS"
_SON_OF = frozenset({"بن", "ابن", "بنت"})  # (normalized)
_TITLE_CLASSES = frozenset({"title", "honorific"})


def entity_id(kind: str, key: str) -> str:
    """The stable id of a (type, canonical key)."""
    return stable_id(kind, key, size=8)


def _is_nisba(word: str) -> bool:
    """A nationality or origin after a title (الروسي، الأميركي، الأمريكية)."""
    return word.startswith("ال") and word.endswith(("ي", "يه")) and len(word) > 4


_BOUND = frozenset({"عبد", "ابو"})  # written apart or joined: عبد العزيز = عبدالعزيز, أبو ظبي = أبوظبي


def _joined(words: tuple[str, ...]) -> tuple[str, ...]:
    """Words with عبد and أبو joined to the word after them, the way they are also written."""
    if not _BOUND.intersection(words[:-1]):
        return words
    out: list[str] = []
    for word in words:
        if out and out[-1] in _BOUND:
            out[-1] += word
        else:
            out.append(word)
    return tuple(out)


def name_words(text: str, kind: str) -> tuple[str, ...]:
    """A mention's canonical words: normalized, the first without its clitics and article, عبد
    and أبو joined to the next word; for a person without the titles before the name, for a
    place or organisation as its alias line's first name (أميركا → الولايات المتحدة) or without
    its designator (دولة الكويت → الكويت)."""
    words = _joined(_own_words(text, kind))
    if kind == PERSON:
        return words
    return _aliases(kind).get(words) or (_undesignated(words) if kind in _DESIGNATED else words)


# Words that say what kind of thing a name is, before it (an indefinite construct: «دولة الكويت»,
# «تنظيم القاعدة», «سلطنة عمان»), normalized. Not after the article («الدولة الإسلامية» is a name).
DESIGNATORS = frozenset({"تنظيم", "منظمه", "جماعه", "دوله", "مملكه", "سلطنه", "اماره", "جمهوريه"})
_DIVISIONS = frozenset({"منطقه", "محافظه"})  # (normalized)
_DESIGNATED = frozenset({"LOC", "ORG"})  # (the tagger types a country or a body either way)
ALIASES_FILE = "aliases.toml"
ALIAS_TYPES = {"places": _DESIGNATED, "organisations": _DESIGNATED, "money": frozenset({"MISC"})}


def _undesignated(words: tuple[str, ...]) -> tuple[str, ...]:
    """The name without a designator before it (its key as the name alone is keyed), and as its
    alias line's first name where it has one (جمهورية إيران الإسلامية → إيران)."""
    if len(words) < 2 or words[0] not in DESIGNATORS or words[1] in _DIVISIONS:
        return words  # (no designator before a division: «إمارة منطقة الباحة» is the governorate's body)
    rest = (unclitic(words[1]), *words[2:])
    return _aliases("LOC").get(rest, rest)


@cache
def _aliases(kind: str) -> dict[tuple[str, ...], tuple[str, ...]]:
    """Each alias's key → its line's first name's key (aliases.toml), for names of this type
    (a section's `ALIAS_TYPES`: «دولارا» is the dollar, a place is never money)."""
    table = tomllib.loads(resources.files("marsad.enrich").joinpath(ALIASES_FILE).read_text("utf-8"))
    found: dict[tuple[str, ...], tuple[str, ...]] = {}
    for section, names in table.items():
        if kind not in ALIAS_TYPES[section]:
            continue
        for name, variants in names.items():
            canonical = _joined(_own_words(name, kind))
            if kind in _DESIGNATED:
                canonical = _undesignated(canonical)
            for variant in variants:
                found[_joined(_own_words(variant, kind))] = canonical
    return found


def _own_words(text: str, kind: str) -> tuple[str, ...]:
    """A mention's normalized words, the first without its clitics (a person's cautiously), and
    a person's without the titles and nationality before the name."""
    if kind == PERSON:
        bare = name_unclitic
    else:  # a name the gazetteer holds as written keeps its first letters (بيونغ يانغ)
        bare = _as_written if written_in_gazetteer(word_form(text)) else place_unclitic
    words = gazetteer_key(text, bare)
    return _untitled(words, kind, _article_first(text))


def _as_written(form: str) -> str:
    return form


def _article_first(text: str) -> bool:
    """Whether a mention's first word carries the article (الكولومبي, not كولومبيا)."""
    first = text.split(maxsplit=1)
    return bool(first) and has_article(word_form(first[0]))


def _untitled(words: tuple[str, ...], kind: str, article_first: bool = False) -> tuple[str, ...]:
    """A person's name words without the titles and honorifics before them (and a nationality
    or qualifier right after those): الرئيس الروسي فلاديمير بوتين → فلاديمير بوتين."""
    if kind != PERSON or len(words) < 2:
        return words
    triggers = load_triggers()
    forms = list(words)
    start = 0
    titled = False
    nationality_first = (
        article_first and _is_nisba("ال" + forms[0]) and len(forms) >= 3 and forms[1] not in _SON_OF
    )
    while start < len(forms) - 1:
        bare = unclitic(forms[start]) if start else forms[0]  # (the first is unclitic already)
        if triggers.get(bare) in _TITLE_CLASSES or triggers.get(forms[start]) in _TITLE_CLASSES:
            titled = True
            start += 1
        elif titled and (_is_nisba(forms[start]) or triggers.get(bare) == "qualifier"):
            start += 1
        elif not start and nationality_first:
            start += 1  # a nationality before a full name, its title left out of the mention
            # (الكولومبي راداميل فالكاو); not a name's own first word (العربي بن مهيدي)
        else:
            break
    rest = forms[start:]
    if start:
        rest[0] = name_unclitic(rest[0])
    return tuple(rest)


# A name with its nasab that several longer names go on from (سلمان بن عبدالعزيز: … آل سعود in
# 679 articles, the tagger's … آل in 64, … برقية in 8) stands for the one that holds this share
# of their articles: the others are the tagger's cuts and overshoots, seldom another person.
NASAB_DOMINANCE = 0.8
# A surname several fuller names end with stands for the one that holds this share of their
# articles (ترامب: دونالد ترامب in 147 ANT articles, إيفانكا and ميلانيا ترامب in a few; أردوغان,
# ميسي, رونالدو likewise), as the archive's merges run it (consumer.merge_names).
SURNAME_DOMINANCE = 0.8
ATTESTED_SHARE = 0.1  # a fuller name seen in fewer articles than this share of a short one's is not its


def _fuller(
    short: tuple[str, ...], candidates: Iterable[tuple[str, ...]], by_start: bool
) -> tuple[str, ...] | None:
    """The one fuller name that ends with `short` (a surname, or a name without its first
    names) or, `by_start`, starts with it (a first name: سلمان for سلمان بن عبدالعزيز, as news
    names princes and kings), if exactly one does, counting a name and the longer names that
    extend it the same way as one (فلاديمير بوتين and فلاديمير فلاديميروفيتش بوتين are not;
    بوتين is then left alone)."""
    found = _ending(short, candidates)
    if by_start:
        found |= _maximal(
            {c for c in candidates if len(c) > len(short) and c[: len(short)] == short}, ends=False
        )
    return next(iter(found)) if len(found) == 1 else None


def _tail(name: tuple[str, ...], size: int) -> tuple[str, ...]:
    """A name's last `size` words as they are keyed when written alone: the first without its
    article (السيسي alone is keyed سيسي, inside عبدالفتاح السيسي it keeps it)."""
    part = name[-size:]
    return (without_article(part[0]), *part[1:])


def _ends_with(name: tuple[str, ...], short: tuple[str, ...]) -> bool:
    size = len(short)
    return len(name) > size and (name[-size:] == short or _tail(name, size) == short)


def _ending(short: tuple[str, ...], candidates: Iterable[tuple[str, ...]]) -> set[tuple[str, ...]]:
    """The fuller names that end with `short`, its first word with or without the article
    (السيسي: عبدالفتاح السيسي), not after بن (that is the father's name, and سلمان بن عبدالعزيز
    is not فيصل بن سلمان بن عبدالعزيز), none extending another."""
    return _maximal(
        {c for c in candidates if _ends_with(c, short) and c[-len(short) - 1] not in _SON_OF},
        ends=True,
    )


def _maximal(names: set[tuple[str, ...]], ends: bool) -> set[tuple[str, ...]]:
    """The names no other one extends (at its start when `ends`, else at its end)."""

    def extends(longer: tuple[str, ...], name: tuple[str, ...]) -> bool:
        part = longer[-len(name) :] if ends else longer[: len(name)]
        return longer != name and len(longer) > len(name) and part == name

    return {c for c in names if not any(extends(o, c) for o in names)}


def _attested(fuller: int, short: int) -> bool:
    """Whether a fuller name seen in `fuller` articles may stand for a short one seen in
    `short`: in a tenth of as many, and in more than one when the short one is in three or more
    (one article's overshoot, «الموسى - ريان الموسى», is not where ten articles' name goes)."""
    return fuller >= ATTESTED_SHARE * short and (fuller >= 2 or short <= 2)


def _dominant(
    options: set[tuple[str, ...]],
    names: Iterable[tuple[str, ...]],
    counts: Mapping[Entity, int],
    people: Mapping[tuple[str, ...], Entity],
    share: float,
    ends: bool,
) -> tuple[str, ...] | None:
    """The option that, with the `names` extending it (at its start when `ends`, else at its
    end), holds at least `share` of the articles of all the options and their extensions."""

    def extends(longer: tuple[str, ...], name: tuple[str, ...]) -> bool:
        size = len(name)
        return len(longer) > size and (longer[-size:] if ends else longer[:size]) == name

    if len(options) < 2 or share >= 1.0:
        return None
    listed = list(names)
    weight = {k: counts[people[k]] + sum(counts[people[o]] for o in listed if extends(o, k)) for k in options}
    best = max(sorted(options), key=lambda k: weight[k])
    return best if weight[best] >= share * sum(weight.values()) else None


def resolve_article(mentions: Sequence[Mention]) -> list[Entity]:
    """One entity for each mention of one article (same order); variants share one entity."""
    keys = [name_words(m.text, m.type) for m in mentions]
    people = {key for key, m in zip(keys, mentions, strict=True) if m.type == PERSON and key}
    fuller = {key: _fuller(key, people, by_start=len(key) == 1) or key for key in people}
    for _ in range(3):  # a name's fuller name may have a fuller one still
        fuller = {key: fuller.get(name, name) for key, name in fuller.items()}
    canonical = [
        fuller[key] if m.type == PERSON and key else key for key, m in zip(keys, mentions, strict=True)
    ]
    types: dict[tuple[str, ...], Counter[str]] = defaultdict(Counter)
    for key, mention in zip(canonical, mentions, strict=True):
        types[key][mention.type] += 1
    voted = {key: max(counts.items(), key=lambda item: item[1])[0] for key, counts in types.items()}
    papers = _newspaper_keys()
    # a newspaper named like a place keeps each mention's type: «لـ«الرياض»» is the paper, «في
    # الرياض» the city (discourse.newspapers_are_organisations), in one article as in two
    kinds = [
        m.type if key in papers and m.type in _DESIGNATED else voted[key]
        for key, m in zip(canonical, mentions, strict=True)
    ]
    # shown: the shortest spelling of the whole name (ماسك is shown as إيلون ماسك; وفرنسا as
    # فرنسا when the article also writes it bare), the first seen among equals
    shown: dict[tuple[str, ...], tuple[bool, int, str]] = {}
    for own, key, kind, mention in zip(keys, canonical, kinds, mentions, strict=True):
        display = _display(mention.text, kind)
        rank = (own != key, len(display), display)
        if key not in shown or rank[:2] < shown[key][:2]:
            shown[key] = rank
    out = []
    for key, kind in zip(canonical, kinds, strict=True):
        joined = " ".join(key)
        out.append(Entity(entity_id(kind, joined), kind, joined, shown[key][2]))
    return out


@cache
def _newspaper_keys() -> frozenset[tuple[str, ...]]:
    """The keys of the outlets' names (marsad.segment's outlets.toml: الرياض، الشرق الأوسط، اليوم)."""
    from marsad.segment.credits import outlet_names

    return frozenset(name_words(name, "ORG") for name in outlet_names())


def _display(text: str, kind: str) -> str:
    """A name as shown: as written, less tashkeel and tatweel (مكَّة، تـويـتـر), a proclitic
    before its article (والعراق، للبنك → البنك) and a person's titles (الرئيس الروسي
    فلاديمير بوتين → فلاديمير بوتين) when the words left are the name's own."""
    words = without_marks(text).split()
    kept = _own_words(text, kind)
    if kind == PERSON and 0 < len(kept) <= len(words):
        words = words[len(words) - len(kept) :]
    if words and kept:
        words[0] = _without_proclitics(words[0], kept[0])
    return " ".join(words) or text


def _without_proclitics(word: str, first: str) -> str:
    """The written word less the proclitics (و ف ب ك ل, لل for ال) before its article."""
    candidates = [word]
    for cut in (1, 2):
        rest = word[cut:]
        if word[:cut].strip("وفبكل"):
            break
        if rest.startswith("ل") and word[cut - 1] == "ل":  # للبنك: ل + البنك, written لل
            candidates.append("ا" + rest)
        candidates.append(rest)
    # only before the article, where a proclitic is certain (باراك keeps its ب: the name's key,
    # made by the stemmer's guess, may have lost it); وفرنسا is left to the shortest spelling
    wanted = {first, "ال" + first}
    return next((c for c in candidates if c.startswith("ال") and word_form(c) in wanted), word)


_LONG_VOWELS = str.maketrans("", "", "اوي")
SPELLING_LETTERS = 4  # a word spelt two ways has at least this many letters (حسن / حسين are two names)


def _skeleton(word: str) -> str:
    """A word without its long vowels between its first and last letters: how transliterations
    differ (بوتين / بوتن). Not at the end: a final ي is the nisba (الفارس is not الفارسي)."""
    return word[:1] + word[1:-1].translate(_LONG_VOWELS) + word[-1:] if len(word) > 2 else word


def merge_spellings(counts: Mapping[Entity, int]) -> dict[str, Entity]:
    """Across the archive: a foreign person's full name transliterated two ways → the spelling
    most articles use (فلاديمير بوتن → فلاديمير بوتين, بنيامين نتانياهو → بنيامين نتنياهو, دونالد
    ترمب → دونالد ترامب: outlets spell one name with or without a long vowel). The first name
    the same, the others the same but for long vowels (ا و ي) inside them, and each
    word spelt two ways of SPELLING_LETTERS or more; never after an Arabic given name, where
    a long vowel makes another name (محمد حسن is not محمد حسين, فهد سلمان not فهد سليمان)."""
    given = given_names()
    groups: dict[tuple[str, ...], list[Entity]] = defaultdict(list)
    for entity in counts:
        words = tuple(entity.key.split())
        if entity.type == PERSON and len(words) >= 2 and words[0] not in given:
            groups[(words[0], *map(_skeleton, words[1:]))].append(entity)
    merged: dict[str, Entity] = {}
    for spellings in groups.values():
        if len(spellings) < 2:
            continue
        best = max(spellings, key=lambda e: (counts[e], e.key))
        for entity in spellings:
            pairs = zip(entity.key.split(), best.key.split(), strict=True)
            if entity is not best and all(
                a == b or min(len(a), len(b)) >= SPELLING_LETTERS for a, b in pairs
            ):
                merged[entity.entity_id] = best
    return merged


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
    # a fuller name shares the short one's last word (ending with it) or first (going on from
    # it): only those are compared (comparing every pair took 13 s for 10k people)
    by_last: dict[str, list[tuple[str, ...]]] = defaultdict(list)
    by_first: dict[str, list[tuple[str, ...]]] = defaultdict(list)
    for key in people:
        by_last[without_article(key[-1])].append(key)
        by_first[key[0]].append(key)
    merged: dict[str, Entity] = {}
    for key, entity in people.items():
        last, first = by_last[without_article(key[-1])], by_first[key[0]]
        # a name with its nasab (سلمان بن عبدالعزيز) also stands for the one name that goes on
        # from it (… آل سعود), and so does a name of two words or more that one goes on from
        # with a nasab (خالد الفيصل: خالد الفيصل بن عبدالعزيز); a first name alone could be anyone's
        by_start = len(key) > 1 and (
            not _SON_OF.isdisjoint(key)
            or any(len(c) > len(key) and c[: len(key)] == key and c[len(key)] in _SON_OF for c in first)
        )
        candidates = last + (first if by_start else [])
        found = _fuller(key, candidates, by_start=by_start)
        if found is None and by_start:  # several go on from it: the one most articles name
            going_on = {c for c in first if len(c) > len(key) and c[: len(key)] == key}
            # (among those attested: a score of one-article overshoots, «محمد بن سلمان يصفع», do not
            # make «… بن عبدالعزيز آل سعود»'s 60 articles a minority)
            options = {
                o for o in _maximal(going_on, ends=False) if _attested(counts[people[o]], counts[entity])
            }
            found = (
                next(iter(options))
                if len(options) == 1
                else _dominant(options, going_on, counts, people, NASAB_DOMINANCE, False)
            )
        # and only a fuller name attested in a share of the short one's articles stands for it:
        # one article's «لسان عادل الجبير» or «ونجله أحمد علي عبد الله صالح» (the tagger's
        # overshoots) is not where 169 or 183 articles' names go (it still makes them ambiguous)
        if found is not None:
            if _attested(counts[people[found]], counts[entity]):
                merged[entity.entity_id] = people[found]
            continue
        maximal = sorted(_ending(key, last))
        if dominance >= 1.0 or len(maximal) < 2 or (len(key) == 1 and key[0] in given_names()):
            continue  # (a given name alone, «عبدالرحمن», is anyone's, however many share it)
        best = _dominant(set(maximal), last, counts, people, dominance, True)
        if best is not None:
            merged[entity.entity_id] = people[best]
    for variant, spelling in merge_spellings(counts).items():
        merged.setdefault(variant, spelling)
    for short, fuller in merged.items():  # a fuller name merged in turn: to the end of the chain
        seen = {short}
        while fuller.entity_id in merged and fuller.entity_id not in seen:
            seen.add(fuller.entity_id)
            fuller = merged[fuller.entity_id]
        merged[short] = fuller
    return merged
