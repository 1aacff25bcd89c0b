"""One sense per article: a name the tagger found once is the same name wherever else it
stands in the article, and a person's surname alone is that person.

A CRF decides each sentence on its own, so «إيلون ماسك» in the lead and «ماسك» alone three
sentences later may come out differently. Two remedies. While tagging, `Recall` hands a second
pass what the first tagged each word elsewhere in the article, as features (learned, so soft).
After tagging, `propagate` applies the rule: every name found is looked for again among the
words left untagged (longest first, in the same normalized forms the features use) and tagged
with its most frequent type; a full person name also lends its
last word («ماسك»). A one-word name that is also a common word («العربي», «الأمل») is not
spread: the tagger found it where the context said it was a name.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from functools import cache

from marsad.enrich.train import chunks

# A currency after an amount is money, MISC as ANERcorp tags دولار and يورو. ANERcorp's ريال is
# only ever Real Madrid (ORG), so the CRF tagged every «مليون ريال» of Saudi news an organisation.
# fmt: off
CURRENCIES = frozenset({
    "ريال", "ريالا", "ريالات", "دولار", "دولارا", "دولارات", "يورو", "جنيه", "جنيها", "جنيهات",
    "دينار", "دينارا", "دنانير", "درهم", "دراهم", "ليره", "ليرات", "روبل", "يوان", "ين", "فرنك",
})
AMOUNT_WORDS = frozenset({
    "الف", "الفا", "الاف", "مليون", "مليونا", "ملايين", "مليار", "مليارا", "مليارات", "مئه", "مائه",
    "مئات", "ترليون", "تريليون", "تريليونا", "تريليونات",
    # duals, as amounts go: «برأسمال مليوني ريال», «ملياري دولار», «ألفي ريال»
    "مليوني", "مليونين", "ملياري", "مليارين", "الفي", "الفين", "مئتي", "مائتي", "مئتين", "مائتين",
})
_AMOUNT_CLOSERS = frozenset(")]»\"”")  # an amount written in brackets: «بقيمة (58.500.000) ريال»
# fmt: on

# Saudi institutions and places are named for kings and princes: «مدينة الملك عبدالعزيز الطبية»,
# «مطار الملك عبدالعزيز الدولي», «جامعة الملك عبدالله للعلوم والتقنية». The CRF, trained on news
# where a king's name is a person, tagged the name inside them PERS, and King Abdulaziz alone
# became the second most mentioned person of two days of Saudi news (113 articles, most of them
# a hospital's). The facility's noun (without its proclitics), the royal title after it, a person's
# name after that: the whole is the facility, of this type (institutions ORG, places LOC).
# fmt: off
FACILITIES = {
    **dict.fromkeys((
        "جامعة", "مدينة", "مؤسسة", "مكتبة", "مستشفى", "مركز", "دارة", "كلية", "معهد", "جائزة",
        "صندوق", "برنامج", "مجمع", "أكاديمية", "كرسي", "مشروع", "مدرسة", "مدارس", "جمعية",
    ), "ORG"),
    **dict.fromkeys((
        "مطار", "ميناء", "طريق", "شارع", "ملعب", "استاد", "ستاد", "جسر", "حي", "باب", "قاعدة",
        "مسجد", "جامع", "قاعة", "ميدان", "كورنيش", "محطة", "متنزه", "منتزه", "قصر", "نفق", "دوار",
    ), "LOC"),
}
ROYAL_TITLES = ("الملك", "الأمير", "الأميرة", "الشيخ", "السلطان", "الإمام")
# fmt: on

# Phrases the tagger took for a person: «حسن الجوار» (good neighbourliness, 23 mentions in two
# days of Saudi news, every one a cable's wording), «حسن الظن», «محسن للجار». Written as
# published; compared as `features.word_form`s.
# fmt: off
IDIOMS = (
    *(f"حسن {noun}" for noun in (
        "الجوار", "الظن", "النية", "الخلق", "التعامل", "الاستقبال", "التنظيم", "الضيافة", "السيرة",
        "السلوك", "الحظ", "التصرف", "الأداء", "الإدارة", "الختام", "المعاملة", "العشرة", "التدبير",
        "الاختيار", "الاستماع", "النوايا",
    )),
    "محسن للجار",
)
# fmt: on

COMMON = 50_000  # per billion words (the search lexicon): a one-word name this common is not spread
# (ترامب 25k, بوتين 16k are spread; سلمان 75k, محمد 1.3M, عربي 520k are not)

Forms = tuple[str, ...]


def money_is_misc(forms: Sequence[Sequence[str]], tags: Sequence[Sequence[str]]) -> list[list[str]]:
    """The tags with every name that starts with a currency right after an amount («500 ريال»,
    «مليون ريال سعودي») typed MISC, whatever type the tagger gave it."""
    out = [list(t) for t in tags]
    for sentence, sentence_tags in zip(forms, out, strict=True):
        for start, end, kind in chunks(sentence_tags):
            if kind == "MISC" or sentence[start] not in CURRENCIES or not start:
                continue
            at = start - 1
            while at > 0 and sentence[at] in _AMOUNT_CLOSERS:
                at -= 1
            before = sentence[at]
            if before in AMOUNT_WORDS or any(c.isdigit() for c in before):
                sentence_tags[start:end] = ["B-MISC"] + ["I-MISC"] * (end - start - 1)
    return out


def facilities_named_for_people(
    words: Sequence[Sequence[str]], tags: Sequence[Sequence[str]]
) -> list[list[str]]:
    """The tags with every facility named for a king or prince («مطار الملك عبدالعزيز الدولي»)
    tagged as one name of the facility's type, where the tagger made its royal name a person.
    `words` are the tokens' normalized forms with their clitics (`features.word_form`): the
    facility's noun is matched without them («بمطار»), what follows the name with them (its
    adjectives carry the article: «الدولي»)."""
    from marsad.enrich.features import unclitic

    facilities, royal = _facility_forms()
    out = [list(t) for t in tags]
    for sentence, sentence_tags in zip(words, out, strict=True):
        for start, end, kind in chunks(sentence_tags):
            if kind != "PERS" or not sentence_tags[start].endswith("PERS"):
                continue  # not a person, or already taken into a facility's name
            title = start if sentence[start] in royal else start - 1
            if title < 1 or sentence[title] not in royal:
                continue
            facility = facilities.get(unclitic(sentence[title - 1]))
            if facility is None or sentence_tags[title - 1].startswith("I-"):
                continue  # no facility, or its noun ends another name
            stop = _facility_end(sentence, end)
            sentence_tags[title - 1 : stop] = [f"B-{facility}"] + [f"I-{facility}"] * (stop - title)
    return out


def _facility_end(words: Sequence[str], end: int) -> int:
    """Where a facility's name ends after its royal name: up to two adjectives with the article
    («الطبيه», «الدولي»), then a field it serves and its pair («للعلوم والتقنيه»)."""
    for _ in range(2):
        word = words[end] if end < len(words) else ""
        if len(word) >= 5 and word.startswith("ال") and word.endswith(("ي", "يه")):  # not «الي», «التي»
            end += 1
    if end < len(words) and words[end].startswith("لل") and len(words[end]) > 3:
        end += 1
        if end < len(words) and words[end].startswith("وال"):
            end += 1
    return end


# A newspaper is quoted by name after «لـ» or «صحيفة» («قال لـ«الشرق الأوسط»», «أوضح لـ"الرياض"»,
# «ذكرت صحيفة «عكاظ»»): its name is a place's or a word's (the region, the capital, «اليوم»), and
# the tagger made it the place (aawsat quotes itself so in 1,059 places of SaudiNewsNet) or nothing.
_OPEN_QUOTES = frozenset('«"“')
_CLOSE_QUOTES = frozenset('»"”')
_QUOTED_BY = frozenset({"ل", "صحيفه", "جريده", "موقع"})  # (clitics off: لصحيفة, بجريدة)


def newspapers_are_organisations(
    words: Sequence[Sequence[str]], tags: Sequence[Sequence[str]]
) -> list[list[str]]:
    """The tags with every outlet's name (marsad.segment's outlets.toml) that stands in quotes
    after «لـ» or «صحيفة» tagged one organisation, whatever the tagger said of it (`words` as in
    `facilities_named_for_people`)."""
    from marsad.enrich.features import unclitic

    names = _newspaper_forms()
    longest = max((len(name) for name in names), default=0)
    out = [list(t) for t in tags]
    for sentence, sentence_tags in zip(words, out, strict=True):
        for open_at, word in enumerate(sentence):
            if word not in _OPEN_QUOTES or not open_at:
                continue
            before = sentence[open_at - 1]
            if before != "ل" and unclitic(before) not in _QUOTED_BY:
                continue
            for size in range(min(longest, len(sentence) - open_at - 2), 0, -1):
                end = open_at + 1 + size
                if sentence[end] in _CLOSE_QUOTES and tuple(sentence[open_at + 1 : end]) in names:
                    sentence_tags[open_at + 1 : end] = ["B-ORG"] + ["I-ORG"] * (size - 1)
                    break
    return out


@cache
def _newspaper_forms() -> frozenset[tuple[str, ...]]:
    from marsad.enrich.features import word_form
    from marsad.enrich.tokens import tokenize
    from marsad.segment.credits import outlet_names

    return frozenset(tuple(word_form(t.text) for t in tokenize(name)) for name in outlet_names())


# «قناة» names a TV channel as often as a canal, and the CRF learnt the channel: it made «السويس»
# in «عائدات قناة السويس» an organisation (47 articles of two days of Saudi news, the new canal's
# opening), or «السويس الجديدة» without its canal. The canals the news names, normalized:
CANALS = frozenset({"السويس", "بنما"})
_CANAL_ADJECTIVES = frozenset({"الجديده", "القديمه"})


def canals_are_places(words: Sequence[Sequence[str]], tags: Sequence[Sequence[str]]) -> list[list[str]]:
    """The tags with «قناة السويس» (and «قناة بنما»), perhaps with «الجديدة», one place wherever
    the tagger cut or typed it otherwise (`words` as in `facilities_named_for_people`)."""
    from marsad.enrich.features import unclitic

    out = [list(t) for t in tags]
    for sentence, sentence_tags in zip(words, out, strict=True):
        for at in range(len(sentence) - 1):
            if sentence[at + 1] not in CANALS or unclitic(sentence[at]) != "قناه":
                continue
            if at and sentence_tags[at].startswith("I-") and sentence_tags[at - 1] != "O":
                continue  # the canal inside a longer name: «هيئة قناة السويس»
            end = at + 2
            if end < len(sentence) and sentence[end] in _CANAL_ADJECTIVES:
                end += 1
            while end < len(sentence) and sentence_tags[end].startswith("I-"):
                end += 1  # the rest of a name the tagger began inside it
            sentence_tags[at:end] = ["B-LOC"] + ["I-LOC"] * (end - at - 1)
    return out


# A body named for the place it serves: «أمانة منطقة الرياض» (the municipality), «شرطة جدة», «جامعة
# القاهرة», «غرفة الشرقية», «نادي الرياض». The tagger found the place alone (45 «أمانة …», 52 «تعليم
# …» and 52 «إمارة منطقة …» on two days of SaudiNewsNet), so the body's news counted as the city's.
# Not «صحة» (صحة الخبر: the truth of the news, الخبر the city), not «إمارة» straight before a name
# («إمارة دبي» is the emirate, a place): «إمارة» only before «منطقة»/«محافظة». Clitics off.
# fmt: off
BODIES = ("أمانة", "بلدية", "شرطة", "جامعة", "تعليم", "محكمة", "غرفة", "نادي", "مرور", "جوازات")
_DIVISIONS = ("منطقة", "محافظة")
_DIVISION_BODIES = ("إمارة",)  # a body only before a division's name
# fmt: on


def bodies_named_for_places(words: Sequence[Sequence[str]], tags: Sequence[Sequence[str]]) -> list[list[str]]:
    """The tags with every body's noun right before a place the tagger found (perhaps with
    «منطقة» or «محافظة» between) made one organisation's name with it (`words` as in
    `facilities_named_for_people`)."""
    from marsad.enrich.features import has_article, unclitic, word_form

    bodies = frozenset(map(word_form, BODIES))
    divisions = frozenset(map(word_form, _DIVISIONS))
    division_bodies = frozenset(map(word_form, _DIVISION_BODIES))
    out = [list(t) for t in tags]
    for sentence, sentence_tags in zip(words, out, strict=True):
        for start, end, kind in chunks(sentence_tags):
            if kind != "LOC" or start < 1:
                continue
            noun = start - 1
            # the division as written, no preposition on it: «بمنطقة الرياض» is "in the region"
            divided = sentence[noun] in divisions and sentence_tags[noun] == "O"
            if divided:
                noun -= 1
            if noun < 0 or sentence_tags[noun] != "O" or has_article(sentence[noun]):
                continue  # an adjective with the article: «الشؤون البلدية», «للتعليم»
            body = unclitic(sentence[noun])
            if body in bodies or (divided and body in division_bodies):
                if end < len(sentence) and sentence_tags[end] in ("B-ORG", "B-LOC"):
                    end += 1  # the name goes on where the tagger cut it: «نادي باريس سان جيرمان»
                    while end < len(sentence) and sentence_tags[end].startswith("I-"):
                        end += 1
                sentence_tags[noun:end] = ["B-ORG"] + ["I-ORG"] * (end - noun - 1)
    return out


def idioms_are_no_names(words: Sequence[Sequence[str]], tags: Sequence[Sequence[str]]) -> list[list[str]]:
    """The tags with every name that is one of `IDIOMS`, or the start of one («حسن» tagged
    alone in «حسن الاستقبال»), untagged (`words` as in `facilities_named_for_people`)."""
    from marsad.enrich.features import unclitic

    idioms = _idiom_forms()
    out = [list(t) for t in tags]
    for sentence, sentence_tags in zip(words, out, strict=True):
        for start, end, _ in chunks(sentence_tags):
            first = sentence[start]
            if first not in idioms and first.endswith(tuple(idioms)):
                first = unclitic(first)  # «وحسن الاستقبال»; most names end with no idiom's word
            for idiom in idioms.get(first, ()):
                following = tuple(sentence[start + 1 : start + len(idiom)])
                if end - start <= len(idiom) and following == idiom[1:]:
                    sentence_tags[start:end] = ["O"] * (end - start)
    return out


@cache
def _idiom_forms() -> dict[str, tuple[Forms, ...]]:
    """The idioms as word forms, by their first word."""
    from marsad.enrich.features import word_form

    by_first: dict[str, list[Forms]] = defaultdict(list)
    for idiom in IDIOMS:
        forms = tuple(word_form(word) for word in idiom.split())
        by_first[forms[0]].append(forms)
    return {first: tuple(idioms) for first, idioms in by_first.items()}


@cache
def _facility_forms() -> tuple[dict[str, str], frozenset[str]]:
    """`FACILITIES` and `ROYAL_TITLES` as word forms."""
    from marsad.enrich.features import word_form

    return {word_form(word): kind for word, kind in FACILITIES.items()}, frozenset(
        map(word_form, ROYAL_TITLES)
    )


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
    return [tag_longest(sentence, known, longest, t) for sentence, t in zip(forms, tags, strict=True)]


def tag_longest(
    words: Sequence[str], names: Mapping[Forms, str], longest: int, tags: Sequence[str]
) -> list[str]:
    """`tags` (IOB2) with every run of untagged words that is one of `names` (words → type)
    tagged, the longest name first, left to right; `longest` is the most words a name has."""
    new = list(tags)
    i = 0
    while i < len(words):
        if new[i] != "O":
            i += 1
            continue
        for size in range(min(longest, len(words) - i), 0, -1):
            found = names.get(tuple(words[i : i + size]))
            if found and all(t == "O" for t in new[i : i + size]):
                new[i : i + size] = [f"B-{found}"] + [f"I-{found}"] * (size - 1)
                i += size
                break
        else:
            i += 1
    return new


class Recall:
    """What a first pass tagged each word of an article, everywhere in it: the second pass's
    features. For a word met elsewhere in a name, `dm=PERS` (the most frequent type of its other
    occurrences) and `dm=PERS>` or `<` (in at least / less than half of them); `df=`/`dl=PERS`:
    it is the first / last word of a longer name somewhere; `dm=O` beside those when its other
    occurrences are in no name. Training reads them off cross-validated tags (`train.cross_tags`),
    as wrong as a first pass's."""

    __slots__ = ("_ends", "_named", "_seen", "names")

    def __init__(self, forms: Sequence[Sequence[str]], tags: Sequence[Sequence[str]]) -> None:
        """`forms`: the article's sentences as `propagate` takes them; `tags`: the first pass's."""
        self._seen: Counter[str] = Counter()  # word → occurrences
        self._named: dict[str, Counter[str]] = defaultdict(Counter)  # word → types it was tagged
        self._ends: dict[str, set[str]] = defaultdict(set)  # word → {"df=PERS", "dl=PERS"}
        for sentence, sentence_tags in zip(forms, tags, strict=True):
            self._seen.update(sentence)
            for start, end, kind in chunks(sentence_tags):  # every tag but O is in one
                for form in sentence[start:end]:
                    self._named[form][kind] += 1
                if end - start >= 2:
                    self._ends[sentence[start]].add("df=" + kind)
                    self._ends[sentence[end - 1]].add("dl=" + kind)
        self.names = frozenset(self._named)  # the words tagged in a name somewhere

    def features(self, forms: Sequence[str], tags: Sequence[str]) -> list[list[str]]:
        """Each word's features from the article's other occurrences of it (its own tag left out)."""
        out: list[list[str]] = []
        for form, tag in zip(forms, tags, strict=True):
            named, ends = self._named.get(form), self._ends.get(form)
            if (named is None and ends is None) or len(form) < 2 or not form[0].isalpha():
                out.append([])  # most words: never in a name
                continue
            kinds = dict(named or {})
            if tag != "O":
                kinds[tag[2:]] -= 1
            kinds = {kind: n for kind, n in kinds.items() if n > 0}
            others = self._seen[form] - 1
            marks = sorted(ends or ())
            if kinds:
                top = max(kinds, key=kinds.__getitem__)
                share = ">" if 2 * sum(kinds.values()) >= others else "<"
                out.append(["dm=" + top, f"dm={top}{share}", *marks])
            else:
                out.append(["dm=O", *marks] if marks and others else marks)
        return out


def agrees(recalled: Sequence[Sequence[str]], tags: Sequence[str]) -> bool:
    """Whether every word's recalled name types are its own (`tags`'s): then the first pass's
    tags stand, and most sentences are tagged once. `dm=O` (in no name elsewhere) is no
    disagreement: re-tagging for it changed nothing on the validation part."""
    return all(
        feature == "dm=O" or feature.partition("=")[2].rstrip("<>") == (tag[2:] or "O")
        for features, tag in zip(recalled, tags, strict=True)
        for feature in features
    )
