"""Entity resolution (marsad.enrich.resolve): test vectors, then the seeds tagged and resolved."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from marsad.enrich import Entity, Mention, entity_id, merge_short_forms, resolve_article, tag
from marsad.enrich.resolve import name_words


def _m(text: str, kind: str = "PERS") -> Mention:
    return Mention(text, kind, 0, len(text))


def _ids(*mentions: Mention) -> list[str]:
    return [e.entity_id for e in resolve_article(mentions)]


def test_spellings_of_one_name_are_one_entity() -> None:
    assert len(set(_ids(_m("إيلون ماسك"), _m("ايلون ماسك"), _m("إيلونْ ماسك")))) == 1


def test_titles_nationalities_and_qualifiers_are_not_part_of_a_name() -> None:
    assert name_words("الرئيس الروسي فلاديمير بوتين", "PERS") == ("فلاديمير", "بوتين")
    assert name_words("والملياردير إيلون ماسك", "PERS") == ("ايلون", "ماسك")
    assert name_words("الرئيس الأميركي السابق دونالد ترامب", "PERS") == ("دونالد", "ترامب")
    assert name_words("الأمير محمد بن سلمان", "PERS") == ("محمد", "بن", "سلمان")
    assert name_words("الرئيس", "PERS") == ("رئيس",)  # a title alone is left as it is
    # an organisation keeps its words: وزارة الدفاع is not الدفاع
    assert name_words("وزارة الدفاع البريطانية", "ORG") == ("وزاره", "الدفاع", "البريطانيه")
    ids = _ids(
        _m("الملياردير إيلون ماسك"),
        _m("إيلون ماسك"),
        _m("الرئيس الروسي فلاديمير بوتين"),
        _m("فلاديمير بوتين"),
    )
    assert ids[0] == ids[1] and ids[2] == ids[3] and ids[0] != ids[2]


def test_a_surname_after_the_full_name_is_that_person() -> None:
    entities = resolve_article([_m("إيلون ماسك"), _m("ماسك"), _m("دونالد ترامب"), _m("ترامب"), _m("بيسكوف")])
    assert entities[0] == entities[1] and entities[2] == entities[3]
    assert entities[1].name == "إيلون ماسك" and entities[1].key == "ايلون ماسك"
    assert entities[4].key == "بيسكوف"  # no full name in the article: its own entity
    # two people end with the surname: it stays apart from both
    bush = resolve_article([_m("جورج بوش"), _m("جيب بوش"), _m("بوش")])
    assert len({e.entity_id for e in bush}) == 3


def test_a_first_name_after_the_full_name_is_that_person_unless_two_fit() -> None:
    king = resolve_article([_m("سلمان بن عبدالعزيز"), _m("سلمان")])
    assert king[0] == king[1]
    # a name after بن is the father's: سلمان is not محمد بن سلمان, nor is سلمان بن عبدالعزيز
    # فيصل بن سلمان بن عبدالعزيز
    father = resolve_article([_m("محمد بن سلمان"), _m("سلمان بن عبدالعزيز"), _m("سلمان")])
    assert father[1] == father[2] != father[0]
    son = resolve_article([_m("فيصل بن سلمان بن عبدالعزيز"), _m("سلمان بن عبدالعزيز")])
    assert son[0] != son[1]
    two = resolve_article([_m("محمد بن سلمان"), _m("محمد بن نايف"), _m("محمد")])
    assert len({e.entity_id for e in two}) == 3


def test_names_are_shown_without_marks_tatweel_and_proclitics() -> None:
    shown = {
        ("مكَّة", "LOC"): "مكة",
        ("تـويـتـر", "ORG"): "تويتر",
        ("للبـنـك الـمـركزي الأوروبي", "ORG"): "البنك المركزي الأوروبي",
        ("والعراق", "LOC"): "العراق",
        ("حزبِ الله", "ORG"): "حزب الله",
        ("باراك أوباما", "PERS"): "باراك أوباما",  # a name's own first letter stays
        ("لبنان", "LOC"): "لبنان",
        ("والرئيس الروسي فلاديمير بوتين", "PERS"): "فلاديمير بوتين",
        ("الرئيس عبد ربه منصور هادي", "PERS"): "عبد ربه منصور هادي",  # (عبد ربه: one name word)
    }
    for (written, kind), name in shown.items():
        assert resolve_article([_m(written, kind)])[0].name == name, written
    # a clitic without the article is only known by another spelling: the shortest is shown
    assert resolve_article([_m("وجــدّة", "LOC"), _m("جدة", "LOC")])[0].name == "جدة"
    assert resolve_article([_m("الملياردير إيلون ماسك"), _m("ماسك")])[1].name == "إيلون ماسك"


def test_clitics_and_the_article_do_not_make_another_entity() -> None:
    kremlin = resolve_article([_m("الكرملين", "ORG"), _m("والكرملين", "ORG"), _m("للكرملين", "ORG")])
    assert len({e.entity_id for e in kremlin}) == 1
    assert kremlin[0].key == "كرملين" and kremlin[0].name == "الكرملين"
    sea = resolve_article([_m("البحر الأسود", "LOC"), _m("والبحر الاسود", "LOC")])
    assert sea[0] == sea[1]


def test_a_place_or_organisation_by_any_of_its_names_is_one_entity() -> None:
    america = _ids(
        _m("أمريكا", "LOC"),
        _m("أميركا", "LOC"),
        _m("الولايات المتحدة الأمريكية", "LOC"),
        _m("وللولايات المتحدة", "LOC"),
    )
    assert len(set(america)) == 1
    assert america[0] == _ids(_m("الولايات المتحدة", "LOC"))[0]  # its id is the first name's
    assert len(set(_ids(_m("المملكة العربية السعودية", "LOC"), _m("السعودية", "LOC")))) == 1
    assert (
        len(set(_ids(_m("تنظيم الدولة الإسلامية", "ORG"), _m("داعش", "ORG"), _m("تنظيم داعش", "ORG")))) == 1
    )
    # a designator before a name goes where the whole has no line of its own
    assert name_words("دولة الكويت", "LOC") == name_words("الكويت", "LOC")
    assert name_words("سلطنة عمان", "LOC") == name_words("عمان", "LOC")
    assert name_words("جمهورية إيران الإسلامية", "LOC") == name_words("إيران", "LOC")
    # not after the article, not «حركة» (Somalia's al-Shabaab is not the Saudi club), not a person
    assert name_words("الدولة", "ORG") == ("دوله",) != name_words("الدولة الإسلامية", "ORG")
    assert name_words("حركة الشباب", "ORG") != name_words("الشباب", "ORG")
    assert name_words("جماعة الإخوان", "ORG") == name_words("الإخوان", "ORG")
    # a governorate's body, named with its division, keeps its noun (not the region «منطقة الباحة»)
    assert name_words("إمارة منطقة الباحة", "ORG") == ("اماره", "منطقه", "الباحه")
    assert name_words("أمريكا", "PERS") == ("امريكا",)
    # a club by its short name, an organisation; the same word as money stays money
    assert name_words("الريال", "ORG") == name_words("ريال مدريد", "ORG") != name_words("ريال", "MISC")
    # money by its case endings, for MISC names only
    assert name_words("دولارا", "MISC") == name_words("الدولار الأمريكي", "MISC") == ("دولار",)
    assert name_words("دولارا", "LOC") == ("دولارا",) and name_words("أمريكا", "MISC") == ("امريكا",)
    # one name, two places: «عمان» is Oman or Amman, left as written
    assert len(set(_ids(_m("الأردن", "LOC"), _m("المملكة الأردنية الهاشمية", "LOC"), _m("عمان", "LOC")))) == 2


def test_a_place_or_body_whose_first_letters_read_as_proclitics_keeps_them() -> None:
    # the stemmer reads كاليفورنيا as ك + ال + «يفورنيا», فالنسيا as ف + ال + «نسيا», وكالة as
    # و + ك + «آلة», كولون as ك + «ولون»: shown as «اليفورنيا», «الة أنباء الإمارات» (ANT)
    assert name_words("كاليفورنيا", "LOC") == ("كاليفورنيا",)
    assert name_words("فالنسيا", "ORG") == ("فالنسيا",)
    assert name_words("كولون", "LOC") == ("كولون",) and name_words("بترا", "LOC") == ("بترا",)
    assert name_words("وكالة أنباء الإمارات", "ORG")[0] == "وكاله"
    assert name_words("لليفربول", "ORG") == name_words("ليفربول", "ORG") == ("ليفربول",)
    shown = resolve_article([_m("كاليفورنيا", "LOC"), _m("وكالة الأنباء السعودية", "ORG")])
    assert [e.name for e in shown] == ["كاليفورنيا", "وكالة الأنباء السعودية"]
    # while real proclitics and articles still go, for places a little more readily than for
    # people (وروسيا is only 9× rarer than روسيا)
    assert name_words("وروسيا", "LOC") == name_words("روسيا", "LOC") == ("روسيا",)
    assert name_words("لرويترز", "ORG") == ("رويترز",) and name_words("بالرياض", "LOC") == ("رياض",)
    assert name_words("للكرملين", "ORG") == name_words("الكرملين", "ORG") == ("كرملين",)


def test_a_first_name_that_reads_as_a_word_after_a_proclitic_keeps_its_first_letter() -> None:
    # كيري is ك + يري ("sees") to a stemmer, and so is بيري: Kerry and Perry were one entity
    assert name_words("كيري", "PERS") == ("كيري",) and name_words("بيري", "PERS") == ("بيري",)
    assert len(set(_ids(_m("جون كيري"), _m("ريك بيري")))) == 2
    for name in ("فيصل العتيبي", "كمال الجنزوري", "باسم يوسف", "ليلى الحسيني", "باراك أوباما"):
        assert name_words(name, "PERS")[0] == name.split()[0].replace("أ", "ا").replace("ى", "ي")
    # while a real proclitic still goes: وكيري and لبوتين are Kerry and Putin
    assert name_words("وكيري", "PERS") == ("كيري",)
    assert name_words("لبوتين", "PERS") == ("بوتين",) and name_words("وفيصل", "PERS") == ("فيصل",)
    assert len(set(_ids(_m("جون كيري"), _m("وكيري")))) == 1


def test_one_name_takes_the_type_most_of_its_mentions_have() -> None:
    entities = resolve_article([_m("الكرملين", "ORG"), _m("الكرملين", "LOC"), _m("والكرملين", "ORG")])
    assert {e.type for e in entities} == {"ORG"} and len({e.entity_id for e in entities}) == 1


def test_ids_are_derived_from_type_and_key() -> None:
    putin = resolve_article([_m("الرئيس فلاديمير بوتين")])[0]
    assert putin == Entity(entity_id("PERS", "فلاديمير بوتين"), "PERS", "فلاديمير بوتين", "فلاديمير بوتين")
    assert entity_id("PERS", "فلاديمير بوتين") != entity_id("ORG", "فلاديمير بوتين")
    assert len(putin.entity_id) == 16
    assert resolve_article([]) == []


def _person(key: str) -> Entity:
    return Entity(entity_id("PERS", key), "PERS", key, key)


def test_across_articles_a_foreign_name_spelt_two_ways_is_one_person() -> None:
    archive = Counter(
        {
            _person("فلاديمير بوتين"): 43,
            _person("فلاديمير بوتن"): 35,
            _person("بوتن"): 4,
            _person("بنيامين نتانياهو"): 30,
            _person("بنيامين نتنياهو"): 26,
            _person("دونالد ترامب"): 125,
            _person("دونالد ترمب"): 22,
            # an Arabic given name: a long vowel makes another name
            _person("محمد حسن"): 9,
            _person("محمد حسين"): 7,
            # a short word spelt two ways is two names (عمر / عامر), whoever bears it
            _person("جون عمر"): 3,
            _person("جون عامر"): 2,
            # a final ي is the nisba, another family: مهند الفارس is not مهند الفارسي
            _person("مهند الفارس"): 1,
            _person("مهند الفارسي"): 1,
        }
    )
    merged = merge_short_forms(archive)
    putin = _person("فلاديمير بوتين")
    assert merged[_person("فلاديمير بوتن").entity_id] == putin
    assert merged[_person("بوتن").entity_id] == putin  # its short form follows
    assert merged[_person("بنيامين نتنياهو").entity_id] == _person("بنيامين نتانياهو")
    assert merged[_person("دونالد ترمب").entity_id] == _person("دونالد ترامب")
    kept = ("محمد حسن", "محمد حسين", "جون عمر", "جون عامر", "مهند الفارس", "مهند الفارسي", "دونالد ترامب")
    for name in kept:
        assert _person(name).entity_id not in merged


def test_across_articles_a_short_name_joins_the_one_full_name_that_ends_with_it() -> None:
    archive = Counter(
        {
            _person("بوتين"): 5,
            _person("فلاديمير بوتين"): 10,
            _person("ترامب"): 3,
            _person("دونالد ترامب"): 4,
            _person("ايفانكا ترامب"): 1,
            _person("بيسكوف"): 2,
            Entity(entity_id("LOC", "ماسك"), "LOC", "ماسك", "ماسك"): 1,
        }
    )
    merged = merge_short_forms(archive)
    assert merged == {_person("بوتين").entity_id: _person("فلاديمير بوتين")}  # ترامب: two full names
    loose = merge_short_forms(archive, dominance=0.75)  # دونالد ترامب holds 4 of 5 mentions
    assert loose[_person("ترامب").entity_id] == _person("دونالد ترامب")
    # a given name alone is anyone's, however much one fuller name holds
    given = Counter({_person("عبدالرحمن"): 11, _person("رامي عبدالرحمن"): 9, _person("خالد عبدالرحمن"): 1})
    assert _person("عبدالرحمن").entity_id not in merge_short_forms(given, dominance=0.8)
    # a name and a longer name that ends with it stand for one person: the longest is kept
    chain = merge_short_forms([_person("ترامب"), _person("جون ترامب"), _person("دونالد جون ترامب")])
    assert chain[_person("ترامب").entity_id] == _person("دونالد جون ترامب")
    assert chain[_person("جون ترامب").entity_id] == _person("دونالد جون ترامب")


def test_the_seed_article_resolves_its_people_places_and_organisations(seeds: list[Path]) -> None:
    text = seeds[0].read_text("utf-8").split("أخبار ذات صلة")[0]  # the AFP article itself
    mentions = tag(text)
    entities = resolve_article(mentions)
    by_text: dict[str, set[str]] = {}
    for mention, entity in zip(mentions, entities, strict=True):
        by_text.setdefault(entity.key, set()).add(mention.text)
    keys = {e.key: e for e in entities}
    putin, musk = keys["فلاديمير بوتين"], keys["ايلون ماسك"]
    assert putin.type == musk.type == "PERS"
    assert {"بوتين", "فلاديمير بوتين"} <= by_text["فلاديمير بوتين"]
    assert "ماسك" in by_text["ايلون ماسك"]
    assert "بوتين" not in keys and "ماسك" not in keys  # the surnames joined the full names
    assert keys["دونالد ترامب"].type == "PERS" and "ترامب" in by_text["دونالد ترامب"]
    assert keys["كرملين"].type == "ORG"
    assert keys["تايوان"].type == "LOC"


def test_across_the_archive_a_name_with_its_nasab_joins_the_one_that_goes_on() -> None:
    def person(name: str) -> Entity:
        key = " ".join(name_words(name, "PERS"))
        return Entity(entity_id("PERS", key), "PERS", key, name)

    king, short = person("سلمان بن عبدالعزيز آل سعود"), person("سلمان بن عبد العزيز")
    assert short.key == "سلمان بن عبدالعزيز"  # (عبد العزيز = عبدالعزيز)
    prince = person("فيصل بن سلمان بن عبدالعزيز")  # ends with the king's nasab: not him
    merged = merge_short_forms([king, short, prince])
    assert merged[short.entity_id] == king and prince.entity_id not in merged
    alone = merge_short_forms([person("سلمان"), king])  # a first name alone could be anyone's
    assert alone == {}


def test_a_fuller_name_seen_once_does_not_take_a_name_many_articles_use() -> None:
    # the tagger's overshoots, read on SaudiNewsNet: «لسان عادل الجبير» (1 article) had taken
    # «عادل الجبير» (169), and «ونجله أحمد علي عبد الله صالح» his father's 183
    archive = Counter({_person("عادل الجبير"): 169, _person("لسان عادل الجبير"): 1})
    assert merge_short_forms(archive) == {}
    archive[_person("لسان عادل الجبير")] = 20  # seen in a tenth as many articles, it may be the name
    assert merge_short_forms(archive) == {_person("عادل الجبير").entity_id: _person("لسان عادل الجبير")}
    # a small archive: one article each is enough
    assert merge_short_forms(Counter({_person("ماسك"): 2, _person("ايلون ماسك"): 1}))


def test_a_nasab_joins_the_name_most_articles_go_on_with_despite_the_taggers_cuts() -> None:
    king, short = _person("سلمان بن عبدالعزيز ال سعود"), _person("سلمان بن عبدالعزيز")
    cut, overshoot = _person("سلمان بن عبدالعزيز ال"), _person("سلمان بن عبدالعزيز برقيه")
    archive = Counter({short: 727, king: 679, cut: 64, overshoot: 8})
    merged = merge_short_forms(archive)
    assert merged[short.entity_id] == king and merged[cut.entity_id] == king
    # two well-used names going on from it: it could be either, and stays apart
    archive[overshoot] = 600
    assert short.entity_id not in merge_short_forms(archive)
    # a score of one-article overshoots («محمد بن سلمان يصفع») do not outvote the attested name
    crown = Counter({_person("محمد بن سلمان"): 230, _person("محمد بن سلمان بن عبدالعزيز"): 405})
    crown[_person("محمد بن سلمان بن عبدالعزيز ال سعود")] = 60
    crown.update({_person(f"محمد بن سلمان كلمه{n}"): 1 for n in range(20)})
    assert merge_short_forms(crown)[_person("محمد بن سلمان").entity_id] == _person(
        "محمد بن سلمان بن عبدالعزيز ال سعود"
    )


def _named(name: str) -> Entity:
    key = " ".join(name_words(name, "PERS"))
    return Entity(entity_id("PERS", key), "PERS", key, name)


def test_a_surname_written_with_its_article_joins_the_full_name() -> None:
    # read on two days of SaudiNewsNet: «السيسي» alone (keyed سيسي, its article off) stayed
    # apart from «عبد الفتاح السيسي» (whose last word keeps it) in 18 articles
    sisi, short = _named("عبد الفتاح السيسي"), _named("السيسي")
    assert short.key == "سيسي"
    assert merge_short_forms([sisi, short]) == {short.entity_id: sisi}
    in_one_article = resolve_article([_m("عبد الفتاح السيسي"), _m("والسيسي")])
    assert in_one_article[0] == in_one_article[1]
    # two full names end with it: it stays apart, with or without the article
    assad = [_named("بشار الأسد"), _named("حافظ الأسد"), _named("الأسد")]
    assert merge_short_forms(assad) == {}
    # after بن it is still the father's name
    assert merge_short_forms([_named("عبدالله الثاني بن الحسين"), _named("الحسين")]) == {}


def test_a_two_word_name_joins_the_one_that_goes_on_with_its_nasab() -> None:
    # «خالد الفيصل» (43 articles) and «خالد الفيصل بن عبدالعزيز» (21) are one prince
    short, full = _named("خالد الفيصل"), _named("الأمير خالد الفيصل بن عبدالعزيز")
    assert merge_short_forms([short, full]) == {short.entity_id: full}
    king = _named("عبدالله الثاني بن الحسين")
    assert merge_short_forms([_named("عبدالله الثاني"), king]) == {_named("عبدالله الثاني").entity_id: king}
    # not a first name alone, and not a name that only goes on without a nasab
    assert merge_short_forms([_named("خالد"), full]) == {}
    assert merge_short_forms([_named("محمد علي"), _named("محمد علي كلاي")]) == {}
