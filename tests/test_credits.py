"""Credits: test vectors per credit form, and the citations that are not credits.

Every vector is a form seen on a real outlet of ../shared/data (SaudiNewsNet, ANT); the
segmenter-level tests check that a credit leaves the text for its field and a citation stays.
"""

from __future__ import annotations

import pytest

from marsad.model import Page
from marsad.segment import segment
from marsad.segment.credits import (
    end_note_start,
    glued_end_note,
    is_end_mark,
    outlet_agency,
    read_credit,
    read_end,
    read_lead,
)


@pytest.mark.parametrize(
    ("line", "outlet", "agencies", "place", "writers", "own"),
    [
        # datelines and bylines: place, agency, writer, the outlet itself
        ("بريدة 25 شوال 1436 هـ الموافق 10 اغسطس 2015 م واس", "was", ("SPA",), "بريدة", (), False),
        ("أبهــا 25 شوال 1436 هـ الموافق 10 اغسطس 2015 م واس", "was", ("SPA",), "أبهــا", (), False),
        ("الرياض - واس", "alriyadh", ("SPA",), "الرياض", (), False),
        ("\xa0واس (جدة)", "okaz", ("SPA",), "جدة", (), False),
        ("جدة - واس:", "aljazirah", ("SPA",), "جدة", (), False),
        ("الرياض :الألمانية", "aleqtisadiya", ("DPA",), "الرياض", (), False),
        ("برشلونة - فرانس برس", "alarabia", ("AFP",), "برشلونة", (), False),
        ("الوئام - يو بي اي:", "alweeam", ("UPI",), None, (), True),
        ("واس، رويترز (نيويورك)", "aljazirah", ("SPA", "Reuters"), "نيويورك", (), False),
        ("عين اليوم – متابعات", "3alyoum", (), None, (), True),
        ("عمر ابراهيم- عين اليوم", "3alyoum", (), None, ("عمر ابراهيم",), True),
        ("أحمد البشيري – الباحة", "3alyoum", (), "الباحة", ("أحمد البشيري",), False),
        ("أحمد علي- سبق- القاهرة", "sabq", (), "القاهرة", ("أحمد علي",), True),  # Ali, not «على»
        ("عوض الفهمي- سبق- أضم", "sabq", (), "أضم", ("عوض الفهمي",), True),  # a town after the outlet
        ("سبق- الليث", "sabq", (), "الليث", (), True),
        (
            "بدر العتيبي، عبدالله البرقاوي- سبق- الرياض",
            "sabq",
            (),
            "الرياض",
            ("بدر العتيبي", "عبدالله البرقاوي"),
            True,
        ),
        ("محمد السيد ومحمود الحمد - سبق", "sabq", (), None, ("محمد السيد", "محمود الحمد"), True),
        ("رصد وتصوير: أحمد حجازي – عين اليوم", "3alyoum", (), None, ("أحمد حجازي",), True),
        ("القاهرة - مكتب الجزيرة - طارق محيي:", "aljazirah", (), "القاهرة", ("طارق محيي",), True),
        ("«الاقتصادية» من الرياض", "aleqtisadiya", (), "الرياض", (), True),
        ("لندن - الرياضية | Tuesday, 11 August 2015 - 10:33 pm", "arriyadiyah", (), "لندن", (), True),
        # a town and its country in brackets, as the wires date: never a writer «علي آغا»
        ("علي آغا (تركيا) - رويترز", "alarabia", ("Reuters",), "علي آغا، تركيا", (), False),
        ("وستفيلد (نيوجيرزي) - رويترز", "alriyadh", ("Reuters",), "وستفيلد، نيوجيرزي", (), False),
        ("بالي (إندونيسيا): جوسلين إيليا", "aawsat", (), "بالي، إندونيسيا", ("جوسلين إيليا",), False),
        # … and what signs after it is the source: alriyadh's paper, not the capital
        ("كامبريدج (المملكة المتحدة) - الرياض", "alriyadh", (), "كامبريدج، المملكة المتحدة", (), True),
        # credit lines
        ("فرانس24/ أ ف ب", "france24", ("AFP",), None, (), True),
        ("فرانس 24/ أ ف ب/ رويترز", "france24", ("AFP", "Reuters"), None, (), True),
        ("(أ. ف. ب)", "okaz", ("AFP",), None, (), False),
        ("* بالاتفاق مع «بلومبيرغ»", "aawsat", ("Bloomberg",), None, (), False),
    ],
)
def test_credit_vectors(
    line: str, outlet: str, agencies: tuple[str, ...], place: str | None, writers: tuple[str, ...], own: bool
) -> None:
    credit = read_credit(line, outlet)
    assert credit is not None, line
    assert (credit.agencies, credit.place, credit.writers, credit.own) == (agencies, place, writers, own)


def test_a_writer_and_the_town_he_writes_from_stay_a_writer() -> None:
    """okaz signs with the town in brackets after each writer: no dash after it, no town alone."""
    one = read_credit(" أحمد الشميري (صنعاء)", "okaz", byline=True)
    assert one is not None and (one.place, one.writers) == ("صنعاء", ("أحمد الشميري",))
    team = read_credit("خالد الحميدي (مكة المكرمة)، سعاد الشمراني (الرياض)", "okaz", byline=True)
    assert team is not None and team.writers == ("خالد الحميدي", "سعاد الشمراني")


def test_spa_dateline_keeps_its_date_as_written() -> None:
    credit = read_credit("الرياض 26 شوال 1436 هـ الموافق 11 أغسطس 2015 م واس", "was")
    assert credit is not None and credit.date == "26 شوال 1436 هـ الموافق 11 أغسطس 2015 م"


def test_a_weekday_in_a_dateline_is_its_date_not_a_place_or_a_writer() -> None:
    credit = read_credit("الجمعة: واس", "aljazirah")  # the gazetteer holds a place «الجمعة»
    assert credit is not None and (credit.place, credit.date, credit.agencies) == (None, "الجمعة", ("SPA",))
    credit = read_credit("الخميس - رويترز", None)
    assert credit is not None and (credit.writers, credit.date) == ((), "الخميس")
    credit = read_credit("لبنى الخميس", None, byline=True)  # a writer's family name stays hers
    assert credit is not None and credit.writers == ("لبنى الخميس",)


@pytest.mark.parametrize(
    ("line", "publisher"),
    [
        ("*نقلاً عن الرؤية الإماراتية", "الرؤية الإماراتية"),
        ('* نقلا عن "السفير" اللبنانية', "السفير اللبنانية"),
        ("* خدمة «نيويورك تايمز»", "نيويورك تايمز"),
    ],
)
def test_source_lines_name_a_publisher(line: str, publisher: str) -> None:
    credit = read_credit(line, "alarabia")
    assert credit is not None and credit.publisher == publisher and credit.agencies == ()


@pytest.mark.parametrize(
    "line",
    [
        "الباحة تستقبل الزوار في الصيف",  # a headline that opens with a place
        "السعودية - مصر",  # two places: a fixture, not a dateline
        "الهلال يفوز على النصر",
        'وأضافت لوكالة "أسوشيتد برس" للأنباء يوم الأربعاء :"كل شئ انتهى الآن"',  # BBC, a citation
        "20:26 ت م",  # SPA's time stamp is furniture, not a credit
        # real headlines that open with a place, a date or the outlet's name
        "النمسا.. وجهة المرح العائلي",
        "العراق: داعش يدمر ملعب الرمادي الأولمبي",
        "المنامة : تصريحات خامنئي تدخل فج ومرفوض",
        "26 فبراير موعد انتخابات الفيفا",
        "«6 أكتوبر» تعد الفرسان",
        "ماذا ينتظرنا..؟",
        '"إيجاب" تكرِّم "سبق" بوصفها راعياً إلكترونياً',  # the outlet's name in a headline
        "أهالي الزلفي يكرمون «الرياض»",
        "الفيصلي يخسر من الجبيل",  # "X من Y" is a byline field's form only
        "خدمة الحاج والمعتمر",  # a source line in the text is marked: "* خدمة «…»"
    ],
)
def test_lines_that_are_not_credits(line: str) -> None:
    assert read_credit(line, None) is None
    assert read_credit("اليوم .. الشرقية تدخل موسم «طباخ التمر»", "alyaum") is None


@pytest.mark.parametrize(
    ("paragraph", "outlet", "dateline", "agencies", "rest"),
    [
        ("واس- جدة: وجه خادم الحرمين الشريفين بصرف", "sabq", "واس- جدة", ("SPA",), "وجه خادم"),
        (
            "عبدالله الراجحي- سبق- جدة: ذكرت مصادر مطلعة لـ سبق أن",
            "sabq",
            "عبدالله الراجحي- سبق- جدة",
            (),
            "ذكرت",
        ),
        ("فهد العتيبي - سبق - تدخل الأرض في نهر من الشهب", "sabq", "فهد العتيبي - سبق", (), "تدخل الأرض"),
        (
            "* طوكيو - «رويترز»: ارتفعت الأسهم اليابانية اليوم",
            "aawsat",
            "طوكيو - «رويترز»",
            ("Reuters",),
            "ارتفعت",
        ),
        ("دبي، الإمارات العربية المتحدة (CNN)— ينظر السوريون، الخميس، إلى", "CNN", None, (), "ينظر"),
        ("الرياض (رويترز) - ارتفعت أسعار النفط اليوم.", None, "الرياض (رويترز)", ("Reuters",), "ارتفعت"),
        ("(أ ف ب) - قتل عشرة أشخاص في هجوم", None, "(أ ف ب)", ("AFP",), "قتل عشرة"),
        ("جدة - أعلنت وزارة الصحة اليوم", None, "جدة", (), "أعلنت"),
    ],
)
def test_lead_credits(
    paragraph: str, outlet: str | None, dateline: str | None, agencies: tuple[str, ...], rest: str
) -> None:
    found = read_lead(paragraph, outlet)
    assert found is not None
    credit, after = found
    assert credit.agencies == agencies and after.startswith(rest)
    if dateline:
        assert credit.text == dateline


@pytest.mark.parametrize(
    "paragraph",
    [
        "ذكرت وكالة الأنباء السعودية (واس) أن خادم الحرمين الشريفين استقبل",
        "قال مسؤول لرويترز - طالبا عدم نشر اسمه - إن الاتفاق قريب",
        "الرئيس: لن نتراجع عن قرارنا مهما كانت الضغوط",
        "وفقا لوكالة الأناضول - التي نقلت الخبر - فإن الحادث وقع",
    ],
)
def test_citations_at_the_start_are_not_leads(paragraph: str) -> None:
    assert read_lead(paragraph, "alriyadh") is None


def test_end_credits_and_appositions() -> None:
    assert read_end("ملايين زائر العام الماضي (أ ف ب)") == ("ملايين زائر العام الماضي", ("AFP",))
    assert read_end("وقتل عشرة. (أ ف ب، رويترز)") == ("وقتل عشرة.", ("AFP", "Reuters"))
    assert read_end("بحسب ما أعلنته وكالة الأنباء الإيرانية (إرنا).") is None  # the agency's name, cited
    assert read_end("وقال (المصدر)") is None
    assert read_end("مكتب التحقيقات الفيدرالي (إف بي آي).") is None


def test_spa_end_marks_and_own_site() -> None:
    assert is_end_mark("// انتهى //") and is_end_mark(" //انتهى//") and is_end_mark("// يتبع //")
    assert not is_end_mark("انتهى الاجتماع")
    assert outlet_agency("was") == "SPA" and outlet_agency("okaz") is None


def _article(text: str, outlet: str | None = None, byline: str | None = None, title: str | None = None):
    page = Page(source="t.txt", raw=text.encode(), text=text, outlet=outlet, byline=byline, title=title)
    return segment(page).articles


def test_spa_item_dateline_end_mark_and_time_stamp_leave_the_text() -> None:
    text = (
        "الباحة 25 شوال 1436 هـ الموافق 10 اغسطس 2015 م واس\n"
        " دشن أمير منطقة الباحة اليوم مشروع الطريق الجديد الذي يربط المحافظات.\n"
        " وأوضح أن المشروع يخدم أكثر من مئة ألف نسمة.\n"
        " // انتهى //\n 20:26 ت م \n"
    )
    (article,) = _article(text, outlet="was", title="عام / تدشين مشروع")
    assert article.text.startswith("دشن أمير منطقة الباحة")
    assert article.text.endswith("مئة ألف نسمة.")
    assert (article.place, article.dated) == ("الباحة", "25 شوال 1436 هـ الموافق 10 اغسطس 2015 م")
    assert article.dateline == "الباحة 25 شوال 1436 هـ الموافق 10 اغسطس 2015 م واس"
    assert article.wire == ("SPA",)
    assert article.boilerplate == ("عام", "// انتهى //", "20:26 ت م")  # the title's kicker first
    assert article.title == "تدشين مشروع"  # never the dateline


def test_dateline_line_is_never_a_title() -> None:
    text = (
        "عين اليوم – برلين\nأعلنت الحكومة الألمانية اليوم خطة جديدة للطاقة.\n"
        "وقال الوزير إن الخطة تبدأ العام المقبل."
    )
    (article,) = _article(text, outlet="3alyoum")
    assert article.title is None
    assert article.dateline == "عين اليوم – برلين" and article.place == "برلين"
    assert article.text.startswith("أعلنت الحكومة")


def test_byline_field_gives_dateline_wire_and_writer() -> None:
    text = "فهد العتيبي- سبق: تدخل الأرض في نهر من الشهب يخلفها مذنب.\nوقال الباحث إن الذروة فجر الخميس."
    (article,) = _article(text, outlet="sabq", byline="فهد العتيبي- سبق:")
    assert article.text.startswith("تدخل الأرض")
    assert article.authors == ("فهد العتيبي",)
    (wire,) = _article("ارتفعت أسعار النفط اليوم في التعاملات الآسيوية.", "alriyadh", "لندن - رويترز")
    assert wire.wire == ("Reuters",) and wire.place == "لندن"


def test_citation_inside_a_sentence_credits_nothing_and_stays() -> None:
    text = (
        "ذكرت وكالة الأنباء السعودية (واس) أن خادم الحرمين الشريفين استقبل الوفد.\n"
        "وقال مسؤول لرويترز إن الزيارة تستمر يومين.\n"
        "وأضاف لوكالة فرانس برس أن المباحثات إيجابية."
    )
    (article,) = _article(text, outlet="okaz")
    assert article.wire == () and article.dateline is None
    assert article.text == text


def test_credit_line_and_glued_end_credit() -> None:
    text = "قتل عشرة أشخاص في هجوم على سوق شعبي في العاصمة اليوم.\nوتبنى التنظيم الهجوم.\nفرانس24/ أ ف ب"
    (article,) = _article(text, outlet="france24")
    assert article.wire == ("AFP",) and article.boilerplate == ("فرانس24/ أ ف ب",)
    assert article.text.endswith("وتبنى التنظيم الهجوم.")
    (glued,) = _article("وصل عدد الزوار إلى ملايين زائر العام الماضي (أ ف ب)", "alriyadh")
    assert glued.wire == ("AFP",) and glued.text == "وصل عدد الزوار إلى ملايين زائر العام الماضي"


def test_glued_end_mark_and_slider_prefix_leave_the_text() -> None:
    text = (
        "Next Previous عين اليوم – واس\nوصل الوفد إلى العاصمة اليوم في زيارة رسمية تستمر يومين.\n"
        "وبحث الجانبان تعزيز التعاون الثنائي في المجالات كافة. // انتهى //"
    )
    (article,) = _article(text, outlet="3alyoum")
    assert article.text.startswith("وصل الوفد") and article.text.endswith("في المجالات كافة.")
    assert article.boilerplate == ("Next Previous", "// انتهى //")
    assert article.wire == ("SPA",) and article.dateline == "عين اليوم – واس"


@pytest.mark.parametrize(
    ("lines", "start"),
    [
        (["وهنا يختلط الوهم بالحقيقة وتحدث المآسي.", "*أكاديمي مغربي"], 1),
        (["تشكل مرجعية جديدة لإرهاب جديد.", "", "* أستاذ العلوم السياسية بجامعة محمد الخامس"], 2),
        (
            [
                "عزز من عزم الاتحاد الأوروبي على تنويع مصادر الطاقة».",
                "* الوحدة الاقتصادية",
                "بـ«الشرق الأوسط»",
            ],
            1,
        ),
        (["في الاقتصاد المحلي للمملكة.", "* مسؤول في الخارجية الأميركية (1982 - 2003)"], 1),
        # text: a bullet list's last item, a starred sentence, a field, a columnist's paragraph
        (["* قالب الصابون", "* المنديل"], None),
        (["الحاسم للتأهل.", "* تأهلت روسيا الدولة المضيفة مباشرة للنهائيات."], None),
        (["مع قطع المخلل والطماطم.", "* العنوان: 30B Dover Street، London"], None),
        (["أسعار النفط في نمو.", "** يتردد أن البرامج التدريبية أثبتت عجزها"], None),
        (["* أستاذ العلوم السياسية"], None),  # nothing before it: not a closing note
        (
            ["نص المقال.", "* أستاذ العلوم السياسية", "في جامعة محمد الخامس بالرباط وعضو عدة مراكز بحثية"],
            None,
        ),
    ],
)
def test_writers_note_closing_an_article(lines: list[str], start: int | None) -> None:
    assert end_note_start(lines) == start


def test_writers_note_glued_after_the_last_sentence() -> None:
    paragraph = "وبلغت الحيازات النقدية 192.65 في المائة. * وحدة التقارير الاقتصادية"
    assert paragraph[: glued_end_note(paragraph)] == "وبلغت الحيازات النقدية 192.65 في المائة."
    assert glued_end_note("واثق من حبكم له رحمه الله. *اول مدير عام لنادي الهلال") is not None
    assert glued_end_note("وقال: * لم يحدث شيء من هذا القبيل في أي وقت مضى على الإطلاق هنا") is None
    assert glued_end_note("ارتفع المؤشر 3 * 4 نقاط") is None  # no sentence before the star
    assert glued_end_note("كما قال. * العنوان: شارع الملك فهد") is None


def test_writers_note_leaves_the_text_for_the_boilerplate() -> None:
    text = (
        "يرى الكاتب أن الزواج الجماعي ينهي الكثير من المعاناة.\n"
        "فبادروا قبل أن تضطروا إليه!\n*متخصص بالشأن الاجتماعي"
    )
    (article,) = _article(text, outlet="alyaum", byline="شلاش الضبعان")
    assert article.text.endswith("فبادروا قبل أن تضطروا إليه!")
    assert article.boilerplate == ("*متخصص بالشأن الاجتماعي",)
    assert article.authors == ("شلاش الضبعان",)
    (glued,) = _article(
        "ارتفعت الأرباح 5 في المائة بقيمة 227 مليون ريال. * وحدة التقارير الاقتصادية", "aleqtisadiya"
    )
    assert glued.text == "ارتفعت الأرباح 5 في المائة بقيمة 227 مليون ريال."
    assert glued.boilerplate == ("* وحدة التقارير الاقتصادية",)


def test_a_verb_after_the_place_is_no_third_writer() -> None:
    lead = read_lead(
        "خالد خليل- سبق- ظفار: افتُتح -مؤخراً- مطار صلالة الجديد بمحافظة ظفار جنوب سلطنة عمان", "sabq"
    )
    assert lead is not None
    credit, rest = lead
    assert (credit.place, credit.writers) == ("ظفار", ("خالد خليل",))
    assert rest.startswith("افتُتح -مؤخراً- مطار صلالة")
