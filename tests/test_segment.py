from pathlib import Path

import pytest

from marsad.model import Page
from marsad.segment import find_agencies, parse_source, segment
from marsad.segment.lists import split_headlines, split_tags
from marsad.segment.segmenter import code_runs

KREMLIN_RELATED = [
    "بوتين يجدد شرط بلاده لإنجاز اتفاق سلام مع أوكرانيا",
    "بوتين يحذر من حرب شاملة في الشرق الأوسط",
]
BOILERPLATE_STARTS = ("المصدر", "كلمات دلالية", "أخبار ذات صلة", "إقرأ أيضاً", "مقالات مشابهة", "•")


def _page(text: str, title: str | None = None) -> Page:
    return Page(source="test.txt", raw=text.encode(), text=text, title=title)


def _seed_pages(seeds: list[Path]) -> list:
    return [segment(_page(path.read_text(encoding="utf-8"))) for path in seeds]


def test_seed_pages_give_main_article_with_structured_boilerplate(seeds: list[Path]) -> None:
    for segmented in _seed_pages(seeds):
        assert len(segmented.articles) == 2
        main = segmented.articles[0]
        assert main.title is None
        assert main.text.startswith("رد الكرملين")
        assert main.text.endswith("بعد مغادرة ترامب منصبه.")
        assert main.wire == ("AFP",)
        assert main.publisher == "صحيفة الاتحاد"
        assert main.tags == ("فلاديمير بوتين", "إيلون ماسك", "محادثات سرية")
        assert list(main.related) == KREMLIN_RELATED
        assert main.position == 0 and segmented.articles[1].position == 1
        assert len(segmented.similar) == 10


def test_seed_extra_articles_and_no_boilerplate_left(seeds: list[Path]) -> None:
    first, second = _seed_pages(seeds)
    ukraine, musk = first.articles[1], second.articles[1]
    assert ukraine.title == "تقرير: كيف تصدت أوكرانيا لأسطول الدفاع البحري الروسي الكبير؟"
    assert musk.title == "إيلون ماسك: أوروبا بحاجة ماسة لإلغاء القيود التنظيمية بشكل جذري"
    # The ad marker goes; the subheading it prefixed stays.
    lines = ukraine.text.split("\n")
    assert "إعلان" not in lines
    assert not any(line.startswith("إعلان") for line in lines)
    assert "التصدي الأوكراني" in lines
    assert "خسائر روسية" in lines
    for segmented in (first, second):
        for article in segmented.articles:
            for line in article.text.split("\n"):
                assert not line.strip().startswith(BOILERPLATE_STARTS), line
            for headline in segmented.similar:
                assert headline not in article.text.split("\n")
    assert first.similar[0] == "إيلون ماسك يعلن دعمه لانسحاب الولايات المتحدة من الناتو والأمم المتحدة"
    assert second.similar[-1] == "الكرملين: مبعوث الرئيس الروسي يُجري محادثات فى واشنطن بتعليمات من بوتين"


@pytest.mark.parametrize(
    ("spelling", "canonical"),
    [
        ("آ ف ب", "AFP"),
        ("أ ف ب", "AFP"),
        ("أ.ف.ب", "AFP"),
        ("فرانس برس", "AFP"),
        ("رويترز", "Reuters"),
        ("أسوشيتد برس", "AP"),
        ("وام", "WAM"),
        ("واس", "SPA"),
        ("قنا", "QNA"),
        ("كونا", "KUNA"),
        ("أ ش أ", "MENA"),
        ("الأناضول", "Anadolu"),
        ("د ب أ", "DPA"),
        ("شينخوا", "Xinhua"),
        ("وكالة الأنباء السعودية", "SPA"),
    ],
)
def test_agency_spellings_get_canonical_names(spelling: str, canonical: str) -> None:
    assert find_agencies(spelling) == [canonical]
    assert parse_source(spelling).wire == (canonical,)
    assert parse_source(spelling).publisher is None


def test_source_line_with_publisher_and_agency() -> None:
    parsed = parse_source("صحيفة الخليج - وام")
    assert parsed.wire == ("WAM",) and parsed.publisher == "صحيفة الخليج"
    assert parse_source("صحيفة الاتحاد").publisher == "صحيفة الاتحاد"
    assert parse_source("وكالات") == parse_source("")


def test_tags_split_by_separators_or_by_page_phrases() -> None:
    assert split_tags("السعودية، كورونا، اللقاح", "") == ["السعودية", "كورونا", "اللقاح"]
    context = "قال الرئيس فلاديمير بوتين إن إيلون ماسك لم يتصل به"
    assert split_tags("فلاديمير بوتين إيلون ماسك محادثات سرية", context) == [
        "فلاديمير بوتين",
        "إيلون ماسك",
        "محادثات سرية",
    ]


def test_headlines_split_at_repeated_subject_only_when_plausible() -> None:
    assert split_headlines(" ".join(KREMLIN_RELATED)) == KREMLIN_RELATED
    assert split_headlines("الهلال يفوز على النصر | النصر يرد") == ["الهلال يفوز على النصر", "النصر يرد"]
    single = "ماسك يلتقي ماسك آخر"
    assert split_headlines(single) == [single]


def test_markers_inside_sentences_are_article_text() -> None:
    text = (
        "عنوان الخبر الرئيسي اليوم\n\n"
        "وقال المصدر: إن الاجتماع سيعقد الأسبوع المقبل في العاصمة.\n\n"
        "إعلان الحكومة عن الموازنة الجديدة جاء بعد أشهر من المشاورات مع البرلمان والقطاع الخاص.\n\n"
        "المصدر: إن الحديث عن تأجيل الاجتماع غير دقيق وفق ما أكده مسؤول رفيع في الوزارة للصحافيين.\n"
        "إعلان\n"
        "الفقرة الأخيرة من الخبر.\n"
    )
    (article,) = segment(_page(text)).articles
    assert article.title == "عنوان الخبر الرئيسي اليوم"
    assert "وقال المصدر: إن الاجتماع" in article.text
    assert article.text.count("إعلان") == 1 and "إعلان الحكومة عن الموازنة" in article.text
    assert "المصدر: إن الحديث عن تأجيل" in article.text
    assert article.publisher is None and article.wire == ()


def test_page_title_is_used_and_not_repeated_and_dateline_wire() -> None:
    text = "ارتفاع أسعار النفط\n\nالرياض (رويترز) - ارتفعت أسعار النفط اليوم.\n\nوتابع المحللون الأسواق."
    (article,) = segment(_page(text, title="ارتفاع أسعار النفط")).articles
    assert article.title == "ارتفاع أسعار النفط"
    # The dateline leaves the text for its fields, and its agency is the wire.
    assert article.text.startswith("ارتفعت أسعار النفط")
    assert (article.dateline, article.place) == ("الرياض (رويترز)", "الرياض")
    assert article.wire == ("Reuters",)
    assert article.lead == "ارتفعت أسعار النفط اليوم."


def test_related_list_as_bullets_and_read_also_with_inline_title() -> None:
    text = (
        "فقرة أولى من الخبر تتحدث عن الاقتصاد.\n\n"
        "مقالات ذات صلة\n  • العنوان الأول للخبر المرتبط\n  • العنوان الثاني للخبر المرتبط\n\n"
        "الكلمات الدالة: الاقتصاد، النفط\n\n"
        "اقرأ ايضا: عنوان المقال الثاني هنا\n\n"
        "نص المقال الثاني يأتي في هذه الفقرة.\n"
    )
    first, second = segment(_page(text)).articles
    assert first.related == ("العنوان الأول للخبر المرتبط", "العنوان الثاني للخبر المرتبط")
    assert first.tags == ("الاقتصاد", "النفط")
    assert second.title == "عنوان المقال الثاني هنا"
    assert second.text == "نص المقال الثاني يأتي في هذه الفقرة."


def test_page_with_only_boilerplate_has_no_article() -> None:
    text = "أخبار ذات صلة خبر أول هنا الآن\n\nالمصدر: وام\n\nكلمات دلالية: اقتصاد\n\nمقالات مشابهة\n  • خبر"
    segmented = segment(_page(text))
    assert segmented.articles == ()
    assert segmented.similar == ("خبر",)


@pytest.mark.parametrize(
    "title",
    [
        "هل تنجح الخطة؟",
        "مفاجأة في الدوري!",
        "لن نتراجع!!",
        'ترامب: "لن نتراجع"',
        "#السعودية_تتقدم في التصنيف",
    ],
)
def test_headlines_with_exclamations_questions_quotes_and_hashtags_are_titles(title: str) -> None:
    text = (
        f"{title}\n\nأعلنت الوزارة اليوم نتائج الخطة الجديدة للعام المقبل.\n\nوقال المتحدث إن النتائج مشجعة."
    )
    (article,) = segment(_page(text)).articles
    assert article.title == title
    assert article.text.startswith("أعلنت الوزارة")


def test_similar_headline_starting_with_the_ad_word_stays_in_the_list() -> None:
    text = (
        "فقرة الخبر الأولى عن نتائج المفاضلة للوظائف التعليمية.\n\n"
        "مقالات مشابهة\n\n"
        "  • وزير الخدمة المدنية يعلق على نتائج المفاضلة\n"
        "  • إعلان المرشحات للوظائف التعليمية في المناطق\n"
        "  • التعليم تحدد موعد المقابلات الشخصية\n"
    )
    segmented = segment(_page(text))
    assert segmented.similar == (
        "وزير الخدمة المدنية يعلق على نتائج المفاضلة",
        "إعلان المرشحات للوظائف التعليمية في المناطق",
        "التعليم تحدد موعد المقابلات الشخصية",
    )
    (article,) = segmented.articles
    assert "التعليم تحدد" not in article.text and "المرشحات" not in article.text


def test_tags_and_related_kept_once_per_spelling() -> None:
    text = (
        "فقرة الخبر الأولى عن الملياردير إيلون ماسك وشركته.\n\n"
        "مقالات ذات صلة\n  • ماسك يعلن خطة جديدة للسيارات\n  • ماسك يُعلن خطة جديدة للسيارات\n\n"
        "الكلمات الدالة: إيلون ماسك، ايلون ماسك، تسلا\n"
    )
    (article,) = segment(_page(text)).articles
    assert article.tags == ("إيلون ماسك", "تسلا")
    assert article.related == ("ماسك يعلن خطة جديدة للسيارات",)


@pytest.mark.parametrize(
    ("written", "title", "furniture"),
    [
        (
            "عام / نائب خادم الحرمين الشريفين يرأس جلسة مجلس الوزراء        إضافة أولى",
            "نائب خادم الحرمين الشريفين يرأس جلسة مجلس الوزراء",
            ("عام", "إضافة أولى"),
        ),
        (
            "إقتصادي / غرفة الرياض توثّق أهم البحوث في كتاب صدر حديثاً     / إضافة أولى واخيرة",
            "غرفة الرياض توثّق أهم البحوث في كتاب صدر حديثاً",
            ("إقتصادي", "إضافة أولى واخيرة"),
        ),
        ("اجتماعي  / جمعية واعي تختتم دورتها", "جمعية واعي تختتم دورتها", ("اجتماعي",)),
        (
            "سياسي / وزير الخارجية يلتقي نظيره الروسي إضافة ثالثة و أخيرة",
            "وزير الخارجية يلتقي نظيره الروسي",
            ("سياسي", "إضافة ثالثة و أخيرة"),
        ),
        # a slash that is not a kicker, a part word that is the headline's own
        ("دولة إسلامية سورية بمباركة تركية / أميركية", "دولة إسلامية سورية بمباركة تركية / أميركية", ()),
        ("عجز للسنة المالية 2014 / 2015", "عجز للسنة المالية 2014 / 2015", ()),
        (
            "داسيلفا للاعبي النصر: مرحلة الإعداد مهمة.. والثلاثي إضافة",
            "داسيلفا للاعبي النصر: مرحلة الإعداد مهمة.. والثلاثي إضافة",
            (),
        ),
        ("الهلال يكسب إضافة قوية", "الهلال يكسب إضافة قوية", ()),
        (
            "«البلدية والقروية» تعتمد آلية جديدة   لتصنيف المقاولين",
            "«البلدية والقروية» تعتمد آلية جديدة لتصنيف المقاولين",
            (),
        ),
    ],
)
def test_section_kicker_and_part_marker_leave_the_title(
    written: str, title: str, furniture: tuple[str, ...]
) -> None:
    article = segment(_page("نص الخبر كما نشرته الوكالة في يومه.", title=written)).articles[0]
    assert article.title == title
    assert article.boilerplate[: len(furniture)] == furniture


def test_furniture_glued_before_a_lead_leaves_and_the_lead_stays() -> None:
    text = "شارك من خلال تويتر فيسبوك جوجل بلس اكتب رأيك زار الوزير المدينة أمس.\nوأكد أهمية المشروع."
    (article,) = segment(_page(text, title="زيارة الوزير")).articles
    assert article.text == "زار الوزير المدينة أمس.\nوأكد أهمية المشروع."
    assert article.boilerplate == ("شارك من خلال تويتر فيسبوك جوجل بلس اكتب رأيك",)
    (alone,) = segment(_page("شارك عبر تويتر واتساب\nنص الخبر كما نشر في يومه.", title="خبر")).articles
    assert alone.text == "نص الخبر كما نشر في يومه." and alone.boilerplate == ("شارك عبر تويتر واتساب",)
    # a sentence that starts with the verb is text
    (kept,) = segment(_page("شارك من خلال الفريق أكثر من مئة متطوع في الحملة.", title="حملة")).articles
    assert kept.text.startswith("شارك من خلال الفريق")


def test_code_runs_find_a_widgets_style_sheet_and_script_not_braces_in_prose() -> None:
    css = "#poll ul { padding: 0; margin: 0; } .box { float: right; width: 380px; } " * 3
    script = "jQuery(document).ready(function(){ jQuery('#poll').html('انتظر لحظات…'); return false; });"
    line = f"هل تفضل الإفطار الخفيف؟ {css}{script} كيف تتناول إفطارك؟"
    ((start, end),) = code_runs(line)
    assert line[start:end] == (css + script).strip()
    assert code_runs("قال تعالى: { واعبدوا الله ولا تشركوا به شيئا } { وبالوالدين إحسانا }") == []
    english = " ".join(["The minister said (in a statement) that the plan is on track;"] * 5)
    assert code_runs(english) == []  # a long Latin passage with brackets but no braces
