"""Named entities (marsad.enrich): tokens and their offsets, features, scoring, the shipped
tagger on real text, and the train-ner command."""

from __future__ import annotations

import gzip
import subprocess
import sys
from pathlib import Path

import pytest

from marsad.enrich import Mention, resolve_article, tag
from marsad.enrich.discourse import (
    Recall,
    agrees,
    bodies_named_for_places,
    canals_are_places,
    facilities_named_for_people,
    idioms_are_no_names,
    money_is_misc,
    newspapers_are_organisations,
    propagate,
)
from marsad.enrich.features import Featurizer, Resources, gazetteer_key, parse_triggers, unclitic, word_form
from marsad.enrich.tagger import Tagger, _glued_prefix, passes, read_model
from marsad.enrich.tokens import sentences, tokenize
from marsad.enrich.train import CorpusStats, Score, chunks, read_conll, score, validation_split
from tests.conftest import shared_path

# ------------------------------------------------------------------------------------ tokens


def test_tokens_map_back_to_the_original_text() -> None:
    text = "رَدَّ الكرملينُ، اليوم (أ ف ب) على «وول ستريت جورنال» بـ 3.5% ــ والكرمليـــن\u200f!"
    tokens = tokenize(text)
    assert all(text[t.start : t.end] == t.text for t in tokens)
    assert [t.text for t in tokens][:6] == ["رَدَّ", "الكرملينُ", "،", "اليوم", "(", "أ"]
    assert "3.5" in [t.text for t in tokens]  # a decimal number is one token
    assert "والكرمليـــن" in [t.text for t in tokens]  # tatweel stays inside the word
    assert "\u200f" not in "".join(t.text for t in tokens)  # invisible marks are no tokens


def test_sentences_end_at_stops_and_line_breaks() -> None:
    text = "قال بوتين. وأضاف؟ نعم\nسطر ثان"
    cut = sentences(text)
    assert [[t.text for t in s] for s in cut] == [
        ["قال", "بوتين", "."],
        ["وأضاف", "؟"],
        ["نعم"],
        ["سطر", "ثان"],
    ]
    assert all(text[t.start : t.end] == t.text for s in cut for t in s)


def test_an_acronym_in_letter_names_is_one_token_and_no_sentence_end() -> None:
    text = "أعلنت قناة إم. بي. سي عن برنامج. وقالت بي.إم.آي للبحوث إن في بيان بي بي تراجعا."
    cut = sentences(text)
    assert [[t.text for t in s] for s in cut] == [
        ["أعلنت", "قناة", "إم. بي. سي", "عن", "برنامج", "."],
        ["وقالت", "بي.إم.آي", "للبحوث", "إن", "في", "بيان", "بي", "بي", "تراجعا", "."],
    ]  # letter names not joined by dots, and words that start like one («بيان»), stay apart
    assert [t.text for t in tokenize("بنك إتش.إس.بي.سي.")] == ["بنك", "إتش.إس.بي.سي", "."]
    assert [(m.text, m.type) for m in tag("وقالت بي.إم.آي للبحوث إن النفط سيرتفع.")] == [("بي.إم.آي", "ORG")]


def test_a_run_on_sentence_is_cut() -> None:
    text = " ".join(["كلمة"] * 450)
    assert [len(s) for s in sentences(text)] == [200, 200, 50]


# ------------------------------------------------------------------------------------ features


def test_word_forms_fold_spelling_and_clitics_keep_names_whole() -> None:
    assert word_form("إيلون") == word_form("ايلون") == "ايلون"
    assert word_form("الرئاسةُ") == "الرئاسه"
    assert unclitic("والكرملين") == unclitic("الكرملين") == "كرملين"
    assert unclitic("بوتين") == "بوتين"  # not ب + وتين
    assert unclitic("لبنان") == "لبنان"
    assert gazetteer_key("والبحر الأسود") == gazetteer_key("البحر الاسود") == ("بحر", "الاسود")


def test_features_see_the_word_its_neighbours_triggers_and_gazetteer() -> None:
    triggers = parse_triggers('[title]\nwords = ["الرئيس"]\n[loc]\nwords = ["مدينة"]\n')
    resources = Resources(
        clusters={"بوتين": ("7", "3", "1")},
        gazetteer={("بحر", "الاسود"): frozenset({"LOC"})},
        triggers=triggers,
        longest_entry=2,
    )
    feats = Featurizer(resources).sentence(["والرئيس", "بوتين", "في", "البحر", "الأسود"])
    putin = set(feats[1])
    assert {"w=بوتين", "b=بوتين", "sh=A", "c0=7", "c1=3", "c2=1", "-1:t=title", "-1:b=رئيس"} <= putin
    assert "-1|0=والرئيس|بوتين" in putin and "0|1=بوتين|في" in putin
    assert "pc=و" in feats[0] or "pc=وال" in feats[0]
    assert "g=B-LOC" in feats[3] and "g=I-LOC" in feats[4] and "g+1=LOC" in feats[2]
    assert "-2:pad" in feats[0] and "2:pad" in feats[4]


def test_features_a_model_does_not_know_are_left_out() -> None:
    known = frozenset({"bias", "w=بوتين", "-1:w=قال", "0|1=قال|بوتين"})
    feats = Featurizer(Resources(), known).sentence(["قال", "بوتين"])
    pads = {"-2:pad", "-1:pad", "1:pad", "2:pad"}
    assert set(feats[0]) - pads == {"bias", "0|1=قال|بوتين"}
    assert set(feats[1]) - pads == {"bias", "w=بوتين", "-1:w=قال"}


def test_punctuation_and_digits_have_their_shapes() -> None:
    feats = Featurizer(Resources()).sentence(["2022", "،", "COVID"])
    assert "sh=D" in feats[0] and "sh=P" in feats[1] and "sh=L" in feats[2]


# ------------------------------------------------------------------------------------ scoring


def test_chunks_follow_conlleval() -> None:
    assert chunks(["B-PERS", "I-PERS", "O", "B-LOC"]) == [(0, 2, "PERS"), (3, 4, "LOC")]  # in order
    assert chunks(["I-ORG", "I-ORG", "B-ORG"]) == [(0, 2, "ORG"), (2, 3, "ORG")]  # I- after O starts one
    assert chunks(["B-PERS", "I-LOC"]) == [(0, 1, "PERS"), (1, 2, "LOC")]  # a type change ends one
    assert chunks([]) == []


def test_score_counts_entities_with_exact_ends_and_type() -> None:
    gold = [[("a", "B-PERS"), ("b", "I-PERS"), ("c", "O"), ("d", "B-LOC")]]
    result = score(gold, [["B-PERS", "O", "O", "B-LOC"]])  # Putin's span cut short: wrong
    assert result.prf("LOC") == (1.0, 1.0, 1.0)
    assert result.prf("PERS") == (0.0, 0.0, 0.0)
    assert result.prf() == (0.5, 0.5, 0.5)
    assert Score().prf() == (0.0, 0.0, 0.0)


def test_reading_conll_counts_malformed_lines(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_text("بوتين B-PERS\nقال O\n\nسطرمعطوب\nموسكو B-LOCO\nهنا O\n", "utf-8")
    stats = CorpusStats()
    read = read_conll(path, stats)
    assert read == [[("بوتين", "B-PERS"), ("قال", "O")], [("سطرمعطوب", "O"), ("موسكو", "O"), ("هنا", "O")]]
    assert (stats.sentences, stats.tokens, stats.malformed) == (2, 5, 2)
    fit, held = validation_split(read * 10, share=0.2)
    assert (len(fit), len(held)) == (16, 4) and held == (read * 10)[16:]


# ------------------------------------------------------------------------------------ discourse


def test_a_name_found_once_is_tagged_where_it_recurs_in_the_article() -> None:
    frequency = {"عربي": 519_325, "ترامب": 24_569}
    forms = [
        ["دونالد", "ترامب", "و", "وول", "ستريت", "جورنال", "و", "عربي"],
        ["ترامب", "قال", "ل", "وول", "ستريت", "جورنال", "عربي"],
        ["ماسك", "ترامب"],
    ]
    tags = [
        ["B-PERS", "I-PERS", "O", "B-ORG", "I-ORG", "I-ORG", "O", "B-ORG"],
        ["O", "O", "O", "O", "O", "O", "O"],
        ["B-LOC", "O"],
    ]
    spread = propagate(forms, tags, frequency)
    assert spread[0] == tags[0]
    # the surname of a full name, a three-word name; a one-word name that is a common word is not spread
    assert spread[1] == ["B-PERS", "O", "O", "B-ORG", "I-ORG", "I-ORG", "O"]
    assert spread[2] == ["B-LOC", "B-PERS"]  # what the tagger found stays as it is
    assert propagate([["a"]], [["O"]], {}) == [["O"]]


def test_a_currency_after_an_amount_is_money_not_a_club() -> None:
    forms = [["500", "مليون", "ريال", "سعودي"], ["فاز", "ريال", "مدريد"], ["300", "دولار"]]
    tags = [["O", "O", "B-ORG", "I-ORG"], ["O", "B-ORG", "I-ORG"], ["O", "B-MISC"]]
    assert money_is_misc(forms, tags) == [
        ["O", "O", "B-MISC", "I-MISC"],  # the riyal of Saudi news: not Real Madrid
        ["O", "B-ORG", "I-ORG"],  # Real Madrid stays a club
        ["O", "B-MISC"],
    ]
    found = tag("وقعت الشركة عقدا بقيمة 500 مليون ريال لإنشاء المشروع. وفاز ريال مدريد على برشلونة.")
    assert [m.type for m in found if m.text.startswith("ريال")] == ["MISC", "ORG"]
    # a dual amount, a trillion, an amount in brackets
    forms = [
        ["برأسمال", "مليوني", "ريال"],
        ["2.4", "تريليون", "ريال"],
        ["بقيمة", "(", "58.500.000", ")", "ريال"],
    ]
    tags = [["O", "O", "B-ORG"], ["O", "O", "B-ORG"], ["O", "O", "O", "O", "B-ORG"]]
    assert money_is_misc(forms, tags) == [
        ["O", "O", "B-MISC"],
        ["O", "O", "B-MISC"],
        ["O", "O", "O", "O", "B-MISC"],
    ]


def test_a_month_inside_a_date_is_no_name() -> None:
    from marsad.enrich.tagger import _outside_dates

    text = "وفي 18 نيسان 2015 أعلنت شركة نيسان عن سيارة جديدة في طوكيو."
    april, nissan = text.index("نيسان"), text.rindex("نيسان")
    mentions = [Mention("نيسان", "ORG", april, april + 5), Mention("نيسان", "ORG", nissan, nissan + 5)]
    assert _outside_dates(text, mentions) == mentions[1:]  # the company stays
    assert all(m.text != "نيسان" or m.start == nissan for m in tag(text))
    paired = "وفي أبريل (نيسان) الماضي قتل 22 شخصا"  # no day: still a month, named twice
    at = paired.index("نيسان")
    assert _outside_dates(paired, [Mention("نيسان", "ORG", at, at + 5)]) == []


def test_recall_tells_a_word_its_tags_elsewhere_in_the_article() -> None:
    forms = [["ايلون", "ماسك", "قال"], ["ماسك", "قال", "."]]
    tags = [["B-PERS", "I-PERS", "O"], ["O", "O", "O"]]
    recall = Recall(forms, tags)
    later = recall.features(forms[1], tags[1])
    assert later[0] == ["dm=PERS", "dm=PERS>", "dl=PERS"]  # a name elsewhere, the end of a longer one
    assert later[1] == [] and later[2] == []  # in no name elsewhere; punctuation is never recalled
    assert not agrees(later, tags[1])  # so the second pass re-tags this sentence
    lead = recall.features(forms[0], tags[0])
    assert lead[0] == ["df=PERS"] and lead[1] == ["dm=O", "dl=PERS"]  # its own tag is left out
    assert agrees(lead, tags[0])  # being in no name elsewhere does not call for a second look


# ------------------------------------------------------------------------------------ mentions


@pytest.mark.parametrize(
    ("word", "cut"),
    [
        ("والكرملين", 1),
        ("الكرملين", 0),
        ("بوتين", 0),
        ("وبوتين", 1),
        ("للكرملين", 0),
        ("وَالكرملين", 2),
        ("لبنان", 0),
        ("فيصل", 0),  # a name in its own right, not ف + يصل
        ("وفيصل", 1),
        ("كيري", 0),  # Kerry, not ك + يري ("sees"): the mention was shown as «يري»
        ("وكيري", 1),
        ("باسم", 0),
        ("كاليفورنيا", 0),  # no ك + «اليفورنيا»: the corpus never writes that
        ("فالنسيا", 0),
        ("لليفربول", 1),  # ل + ليفربول, not ل + «اليفربول» (the span was «اليفربول»)
        ("بالرياض", 1),
    ],
)
def test_a_glued_conjunction_or_preposition_is_left_out_of_a_mention(word: str, cut: int) -> None:
    assert _glued_prefix(word) == cut


def test_a_name_whose_first_letters_read_as_proclitics_keeps_them_in_its_span() -> None:
    # ANT showed «يونغ يانغ», «اليفورنيا» and «الة أنباء الإمارات» as entities
    found = {(m.text, m.type) for m in tag("وصل الوفد إلى بيونغ يانغ أمس قادما من ولاية كاليفورنيا.")}
    assert {("بيونغ يانغ", "LOC"), ("كاليفورنيا", "LOC")} <= found
    found = {(m.text, m.type) for m in tag("وقالت وكالة الأنباء السعودية إن الوفد وصل إلى كابل.")}
    assert {("وكالة الأنباء السعودية", "ORG"), ("كابل", "LOC")} <= found


SEED_LEAD = (
    "رد الكرملين، اليوم الجمعة، على تقرير صحافي أفاد بأن الرئيس الروسي فلاديمير بوتين والملياردير "
    "إيلون ماسك كانا على اتصال سري منتظم منذ عام 2022."
)
SEED_TAIWAN = (
    'وذكر التقرير أن الرئيس الروسي طلب من ماسك تجنب تفعيل خدمة "ستارلينك" للإنترنت عبر الأقمار '
    "الصناعية فوق تايوان، خدمة للصين."
)


def _found(text: str) -> dict[str, str]:
    mentions = tag(text)
    assert all(text[m.start : m.end] == m.text for m in mentions)
    return {m.text: m.type for m in mentions}


def test_the_shipped_model_tags_the_seed_lead() -> None:
    found = _found(SEED_LEAD)
    assert found.get("فلاديمير بوتين") == "PERS"
    assert found.get("إيلون ماسك") == "PERS"
    assert found.get("الكرملين") == "ORG"  # ANERcorp's convention: the Kremlin is an organisation


def test_the_shipped_model_tags_taiwan_and_china() -> None:
    found = _found(SEED_TAIWAN)
    assert found.get("تايوان") == "LOC"
    assert found.get("للصين") == "LOC"  # ل + الصين: the article's ل is glued, so the mention keeps both


def test_tagging_the_seed_page_maps_every_mention_back(seeds: list[Path]) -> None:
    text = seeds[0].read_text("utf-8")
    mentions = tag(text)
    assert mentions and all(isinstance(m, Mention) and text[m.start : m.end] == m.text for m in mentions)
    people = {m.text for m in mentions if m.type == "PERS"}
    assert {"بوتين", "بيسكوف", "ترامب"} <= people
    assert any(m.text == "البحر الأسود" and m.type == "LOC" for m in mentions)


def test_empty_and_punctuation_only_texts_have_no_mentions() -> None:
    assert tag("") == [] and tag(" \n ") == [] and tag("... !!") == []


# ------------------------------------------------------------------------------------ training


def test_train_ner_on_a_slice_writes_a_working_model(tmp_path: Path) -> None:
    """`marsad train-ner` end to end on 300 sentences of ANERcorp: a gzipped model that loads."""
    corpus = shared_path("data", "anercorp", "train.txt").read_text("utf-8").split("\n\n")
    data = tmp_path / "data"
    data.mkdir()
    (data / "train.txt").write_text("\n\n".join(corpus[:300]) + "\n", "utf-8")
    (data / "test.txt").write_text("\n\n".join(corpus[300:360]) + "\n", "utf-8")
    out = tmp_path / "model" / "ner.crfsuite.gz"
    done = subprocess.run(
        [sys.executable, "-m", "marsad", "train-ner", "--data", str(data), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert "micro" in done.stdout and "training on 300 sentences" in done.stderr
    first, second = passes(gzip.decompress(out.read_bytes()))
    assert first[:4] == second[:4] == b"lCRF"  # CRFsuite's magic: the two passes' models
    tagger = Tagger(read_model(out))
    tags = tagger.tag_tokens(["قال", "الرئيس", "جورج", "بوش", "في", "لبنان"])
    assert len(tags) == 6 and all(t == "O" or t[:2] in ("B-", "I-") for t in tags)
    article = tagger.tag_article([["قال", "جورج", "بوش", "."], ["بوش", "في", "لبنان"]])
    assert [len(t) for t in article] == [4, 3]


def test_train_ner_without_data_is_a_usage_error(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "marsad", "train-ner", "--data", str(tmp_path)], capture_output=True, text=True
    )
    assert done.returncode == 2 and "train.txt" in done.stderr


def test_a_facility_named_for_a_king_is_the_facility_not_the_king() -> None:
    words = [
        ["نقل", "الي", "مدينه", "الملك", "عبدالعزيز", "الطبيه", "بالحرس"],
        ["وصل", "الملك", "سلمان", "الي", "جده"],
        ["في", "جامعه", "الملك", "عبدالله", "للعلوم", "والتقنيه", "امس"],
        ["من", "الملك", "عبدالله"],
        ["علي", "ملعب", "الملك", "عبدالله", "الي", "جده"],
    ]
    tags = [
        ["O", "O", "O", "O", "B-PERS", "O", "O"],
        ["O", "O", "B-PERS", "O", "B-LOC"],
        ["O", "O", "O", "B-PERS", "O", "O", "O"],
        ["O", "O", "B-PERS"],
        ["O", "O", "O", "B-PERS", "O", "B-LOC"],
    ]
    assert facilities_named_for_people(words, tags) == [
        ["O", "O", "B-ORG", "I-ORG", "I-ORG", "I-ORG", "O"],  # with its adjective, not «بالحرس»
        tags[1],  # the king himself stays a person
        ["O", "B-ORG", "I-ORG", "I-ORG", "I-ORG", "I-ORG", "O"],  # with the field it serves
        tags[3],  # a king with no facility before him
        ["O", "B-LOC", "I-LOC", "I-LOC", "O", "B-LOC"],  # «إلى» (الي) is no adjective
    ]
    found = tag("وصل الرئيس إلى مطار الملك عبدالعزيز الدولي بجدة حيث استقبله الأمير خالد الفيصل.")
    assert [(m.text, m.type) for m in found if "عبدالعزيز" in m.text] == [
        ("مطار الملك عبدالعزيز الدولي", "LOC")
    ]


def test_an_idiom_is_no_person() -> None:
    words = [["اكد", "علي", "حسن", "الجوار"], ["قال", "حسن", "الترابي"]]
    tags = [["O", "O", "B-PERS", "I-PERS"], ["O", "B-PERS", "I-PERS"]]
    assert idioms_are_no_names(words, tags) == [["O"] * 4, tags[1]]  # good neighbourliness; al-Turabi stays
    text = "وأكد الجانبان على مبادئ حسن الجوار وعدم التدخل في الشؤون الداخلية."
    assert all("الجوار" not in m.text for m in tag(text))


def test_a_canal_is_a_place_not_a_channel() -> None:
    words = [
        ["عائدات", "قناه", "السويس", "ارتفعت"],
        ["افتتاح", "قناه", "السويس", "الجديده"],
        ["رئيس", "هيئه", "قناه", "السويس"],
        ["وقال", "لقناه", "العربيه"],
    ]
    tags = [
        ["O", "O", "B-ORG", "O"],
        ["O", "O", "B-ORG", "I-ORG"],
        ["O", "B-ORG", "I-ORG", "I-ORG"],
        ["O", "B-ORG", "I-ORG"],
    ]
    assert canals_are_places(words, tags) == [
        ["O", "B-LOC", "I-LOC", "O"],
        ["O", "B-LOC", "I-LOC", "I-LOC"],
        tags[2],  # the canal's authority, an organisation, stays whole
        tags[3],  # a TV channel
    ]


def test_a_body_named_for_its_place_is_an_organisation() -> None:
    words = [
        ["واعلنت", "امانه", "منطقه", "الرياض", "عن"],  # the municipality of the Riyadh region
        ["قال", "متحدث", "شرطه", "جده", "ان"],
        ["مدير", "تعليم", "عسير"],
        ["اكدت", "اماره", "منطقه", "الباحه"],  # the region's governorate
        ["زار", "اماره", "دبي"],  # the emirate itself, a place
        ["اكد", "امير", "منطقه", "عسير"],  # the region's prince: the place
        ["مدير", "الشوون", "البلديه", "بمنطقه", "الرياض"],  # an adjective, then "in the region"
        ["ونفت", "صحه", "الخبر"],  # the truth of the news (الخبر, the city)
        ["وكيل", "الوزاره", "للتعليم", "جازان"],  # a field with the article, not a body's name
        ["اعلن", "نادي", "باريس", "سان", "جيرمان"],  # the club's name goes on after the city
        ["مدير", "تعليم", "عسير", "جلوي", "كركمان"],  # and the director's does not join it
    ]
    tags = [
        ["O", "O", "O", "B-LOC", "O"],
        ["O", "O", "O", "B-LOC", "O"],
        ["O", "O", "B-LOC"],
        ["O", "O", "O", "B-LOC"],
        ["O", "O", "B-LOC"],
        ["O", "O", "O", "B-LOC"],
        ["O", "O", "O", "O", "B-LOC"],
        ["O", "O", "B-LOC"],
        ["O", "O", "O", "B-LOC"],
        ["O", "O", "B-LOC", "B-LOC", "I-LOC"],
        ["O", "O", "B-LOC", "B-PERS", "I-PERS"],
    ]
    assert bodies_named_for_places(words, tags) == [
        ["O", "B-ORG", "I-ORG", "I-ORG", "O"],
        ["O", "O", "B-ORG", "I-ORG", "O"],
        ["O", "B-ORG", "I-ORG"],
        ["O", "B-ORG", "I-ORG", "I-ORG"],
        *tags[4:9],
        ["O", "B-ORG", "I-ORG", "I-ORG", "I-ORG"],
        ["O", "B-ORG", "I-ORG", "B-PERS", "I-PERS"],
    ]


def test_a_newspaper_quoted_by_name_is_an_organisation() -> None:
    words = [
        ["وقال", "ل", "«", "الشرق", "الاوسط", "»", "ان"],
        ["ذكرت", "صحيفه", "«", "عكاظ", "»"],
        ["في", "«", "الرياض", "»"],  # quoted, not after «لـ» or «صحيفة»
        ["وقال", "ل", "«", "الشرق", "الاوسط", "الجديد", "»"],  # not an outlet's whole name
    ]
    tags = [
        ["O", "O", "O", "B-LOC", "I-LOC", "O", "O"],
        ["O", "O", "O", "O", "O"],
        ["O", "O", "B-LOC", "O"],
        ["O", "O", "O", "B-LOC", "I-LOC", "O", "O"],
    ]
    assert newspapers_are_organisations(words, tags) == [
        ["O", "O", "O", "B-ORG", "I-ORG", "O", "O"],
        ["O", "O", "O", "B-ORG", "O"],
        tags[2],
        tags[3],
    ]
    # in one article, the paper and the region stay two entities (no vote between their types)
    mentions = tag("وقال لـ«الشرق الأوسط» إن الوضع في الشرق الأوسط صعب.")
    entities = resolve_article(mentions)
    assert [(m.text, e.type) for m, e in zip(mentions, entities, strict=True)] == [
        ("الشرق الأوسط", "ORG"),
        ("الشرق الأوسط", "LOC"),
    ]


def test_the_start_of_an_idiom_alone_is_no_person() -> None:
    words = [["الضيافه", "وحسن", "الاستقبال"], ["بمؤسسه", "الملك", "عبدالعزيز", "ورجاله"]]
    tags = [["O", "B-PERS", "O"], ["O", "O", "B-PERS", "O"]]
    assert idioms_are_no_names(words, tags)[0] == ["O"] * 3  # «وحسن»: its «و» is no part of it
    assert facilities_named_for_people(words, tags)[1] == ["B-ORG", "I-ORG", "I-ORG", "O"]  # «بمؤسسة»: ؤ kept
    # the idiom is not spread either: «الجوار» is rare enough to spread as a surname would
    text = "أكد البيان حسن الجوار بين البلدين. وشدد على أن الجوار يفرض التعاون."
    assert tag(text) == []
