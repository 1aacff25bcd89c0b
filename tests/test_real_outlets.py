"""Real pages of real outlets (../shared/data), read and segmented as an ingest does.

Each case is a record the issue reading found wrong: inline "اقرأ أيضا" lists that split an
article, datelines that became titles, outlet furniture left in the text, credits missed.
"""

from __future__ import annotations

import pytest

from marsad.model import Article
from marsad.segment import segment
from tests.conftest import shared_record

pytestmark = pytest.mark.slow


def articles(key: str) -> tuple[Article, ...]:
    return segment(shared_record(key)).articles


def test_bbc_inline_read_also_list_does_not_split_the_article() -> None:
    (article,) = articles("ant#6607")  # Weinstein: the list sat in the middle of the story
    assert article.title == "مسيرة صعود هارفي واينستين إلى العالمية وسقوطه المدوي"
    assert 'بلاك كيوب: "موساد خاص" لمن يدفع' in article.related
    assert "جورج كلوني" in " ".join(article.related)
    assert "اشتهرت ميراماكس وتوسع انتاجها" in article.text  # the rest of the story stays
    assert "ويُذكر أن لهما ولدان" in article.text
    assert "صفقة ملكية شركة ديزني" in article.text.split("\n")  # its subheading, not a link


def test_bbc_list_then_continuation_and_paragraph_starting_with_for_more() -> None:
    (article,) = articles("ant#6755")
    assert article.related == (
        "وفاة الممثل المصري نور الشريف",
        "رحيل الممثل المصري حسن مصطفى عن عمر يناهز الـ 82",
    )
    assert "ولم تخلُ الدراما المصرية" in article.text
    (asked,) = articles("ant#9031")  # "للمزيد سألنا الدكتور …" is a paragraph, not a link
    assert any(line.startswith("للمزيد سألنا الدكتور مروان قبلان") for line in asked.text.split("\n"))


def test_bbc_app_promotion_and_separators_leave_the_text() -> None:
    (article,) = articles("ant#6614")
    assert "يمكنكم استلام إشعارات" not in article.text and "-----" not in article.text
    assert any(line.startswith("يمكنكم استلام إشعارات") for line in article.boilerplate)


def test_cnn_may_interest_you_is_a_related_link() -> None:
    (article,) = articles("ant#10781")
    assert "قد يهمك" not in article.text
    assert any(headline.startswith("عروض أزياء وحفلات فاخرة") for headline in article.related)
    assert article.place == "دبي، الإمارات العربية المتحدة" and article.wire == ()
    assert article.text.startswith("اعتمد مجلس الشؤون الاقتصادية")


def test_cnn_partner_note_and_blurb_leave_the_text() -> None:
    (article,) = articles("ant#10341")  # a Bayt.com survey CNN ran «بالتعاون مع» the job site
    assert article.text.startswith("يلعب القادة دوراً مهماً")
    assert article.text.endswith("يقومون بذلك أحياناً.")  # not «حول بيت.كوم», the blurb's heading
    assert article.boilerplate[0].startswith("هذ المقال منشور بالتعاون مع موقع التوظيف")
    assert article.boilerplate[-1].startswith("إن بيت.كوم هو أكبر موقع للوظائف")


def test_writers_starred_notes_leave_the_text() -> None:
    (report,) = articles("saudinewsnet/2015-07-21.zip#700")  # glued after the last sentence
    assert report.text.endswith("لتبلغ 26.4 مليار ريال.")
    assert report.boilerplate[-1].endswith("وحدة التقارير الاقتصادية")
    (column,) = articles("saudinewsnet/2015-08-09.zip#221")  # «عزيز مشواط *» … «*أكاديمي مغربي»
    assert column.text.endswith("وتحدث المآسي.") and column.boilerplate[-1] == "*أكاديمي مغربي"


def test_spa_own_item() -> None:
    (article,) = articles("saudinewsnet/2015-08-10.zip#1499")
    assert article.title == "مهرجان تمور بريدة يواصل فعالياته"  # SPA's section kicker "عام /" left it
    assert article.boilerplate[0] == "عام"
    assert article.wire == ("SPA",) and article.place == "بريدة"
    assert article.dated == "25 شوال 1436 هـ الموافق 10 اغسطس 2015 م"
    assert article.text.startswith("يواصل مهرجان تمور بريدة")
    assert "انتهى" not in article.text and "ت م" not in article.text.split("\n")[-1]


def test_sabq_spa_lead_and_byline() -> None:
    (article,) = articles("saudinewsnet/2015-07-21.zip#2644")
    assert article.wire == ("SPA",) and article.place == "جدة"
    assert not article.text.startswith("واس")
    (quoted,) = articles("saudinewsnet/2015-07-21.zip#2637")  # sabq titles keep &quot;
    assert quoted.title == 'ارتفاع "فلكي" لأسعار تأجير شاليهات جدة'
    assert quoted.authors == ("سلطان السلمي",) and quoted.place == "جدة"


def test_alweeam_story_link_glued_to_the_last_paragraph() -> None:
    (article,) = articles("saudinewsnet/2015-07-21.zip#1527")
    assert "رابط الخبر" not in article.text
    assert article.boilerplate[-1].startswith("رابط الخبر بصحيفة الوئام:")
    assert article.place == "الرياض" and article.wire == ()


def test_3alyoum_slider_dateline_and_glued_tags() -> None:
    (article,) = articles("saudinewsnet/2015-07-24.zip#116")
    assert "Next Previous" not in article.text and "سمات" not in article.text
    assert (article.dateline, article.place, article.authors) == (
        "نايف عبدالله – جدة",
        "جدة",
        ("نايف عبدالله",),
    )
    assert article.text.startswith("أصدرت وزارة التجارة والصناعة")
    assert article.tags


def test_alarabia_opinion_disclaimer_and_source_line() -> None:
    (article,) = articles("ant#3164")
    assert "جميع المقالات المنشورة" not in article.text and "نقلاً عن" not in article.text
    assert article.publisher is not None and article.wire == ()
    assert article.dateline is None  # its byline field is an id, not a byline


def test_alriyadh_end_credit() -> None:
    (article,) = articles("saudinewsnet/2015-08-02.zip#724")
    assert article.wire == ("AFP",) and not article.text.endswith("(أ ف ب)")


def test_spa_item_in_parts_keeps_its_headline_once() -> None:
    """SPA sends a long item in parts, each titled «عام / … إضافة أولى»: the parts share one headline."""
    (first,) = articles("saudinewsnet/2015-08-10.zip#1509")
    assert first.title == "نائب خادم الحرمين الشريفين يرأس جلسة مجلس الوزراء"
    assert first.boilerplate[:2] == ("عام", "إضافة أولى")
    (last,) = articles("saudinewsnet/2015-08-10.zip#1527")
    assert last.title is not None and last.title.endswith("بالتدخل في شئون دول الجوار")
    assert last.boilerplate[:2] == ("سياسي", "إضافة أولى واخيرة")


def test_okaz_share_buttons_before_the_lead_leave_the_lead() -> None:
    """okaz glues its share buttons to the lead: they leave the text, the lead stays (the line used
    to go whole; alone on the page, the article went to quarantine as furniture only)."""
    (alone,) = articles("saudinewsnet/2015-08-11.zip#1411")
    assert alone.text.startswith("عقد مجلس الشؤون الاقتصادية والتنمية اجتماعاً")
    assert alone.boilerplate == ("شارك من خلال تويتر فيسبوك جوجل بلس اكتب رأيك",)
    (lead,) = articles("saudinewsnet/2015-08-11.zip#1441")
    assert lead.text.startswith("زار إمام وخطيب المسجد النبوي الشريف")
    assert "شارك من خلال" not in lead.text


def test_a_polls_style_sheet_and_script_leave_the_text_and_quran_braces_stay() -> None:
    (article,) = articles("saudinewsnet/2015-07-21.zip#1393")  # a poll flattened into the text
    assert "jQuery" not in article.text and "padding" not in article.text
    assert any(
        line.startswith("#vote_area2 ul {") and line.endswith("}); });") for line in article.boilerplate
    )
    assert "ما النوع الذي تفضله وإلى أي جانب أنت؟" in article.text  # the article around it stays
    (verses,) = articles("saudinewsnet/2015-07-24.zip#1927")  # verses quoted in braces
    assert "{ واعبدوا الله ولا تشركوا به شيئا وبالوالدين إحسانا }" in verses.text
