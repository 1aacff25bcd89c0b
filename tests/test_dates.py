"""Dates in Arabic news text: test vectors per form, spans in the text as written, event dates."""

from __future__ import annotations

from datetime import date

import pytest

from marsad.enrich.dates import event_date, find_dates

MONDAY = date(2015, 8, 10)  # the reference: a page dated Monday 10 August 2015 (25 Shawwal 1436)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Gregorian, Egyptian/Gulf month names, Western and Arabic-Indic digits
        ("الموافق 10 أغسطس 2015 م", [("10 أغسطس 2015 م", "2015-08-10", "gregorian")]),
        ("في ١٢ اغسطس ٢٠١٥", [("١٢ اغسطس ٢٠١٥", "2015-08-12", "gregorian")]),
        ("يوم 5 إبريل 2016", [("5 إبريل 2016", "2016-04-05", "gregorian")]),
        # Levantine names, alone and paired with the Egyptian name
        ("في 3 كانون الثاني 2016", [("3 كانون الثاني 2016", "2016-01-03", "gregorian")]),
        ("في 12 آب/أغسطس 2015", [("12 آب/أغسطس 2015", "2015-08-12", "gregorian")]),
        ("في 1 تموز (يوليو) 2015", [("1 تموز (يوليو) 2015", "2015-07-01", "gregorian")]),
        # Hijri, by name and by number, converted on the Umm al-Qura calendar
        ("25 شوال 1436 هـ", [("25 شوال 1436 هـ", "2015-08-10", "hijri")]),
        ("مساء 1 ذو القعدة 1436هـ", [("1 ذو القعدة 1436هـ", "2015-08-16", "hijri")]),
        ("بتاريخ 1436/10/25هـ", [("1436/10/25هـ", "2015-08-10", "hijri")]),
        # numeric Gregorian, both orders
        ("نشر في 2015-08-09", [("2015-08-09", "2015-08-09", "gregorian")]),
        ("نشر في 09/08/2015", [("09/08/2015", "2015-08-09", "gregorian")]),
        # a day and month with no year: the year nearest the page's date
        ("يوم 28 يوليو", [("28 يوليو", "2015-07-28", "gregorian")]),
        ("يوم 28 ديسمبر", [("28 ديسمبر", "2015-12-28", "gregorian")]),
        ("في 27 رمضان", [("27 رمضان", "2015-07-14", "hijri")]),
        # relative, against the page's date
        ("وصل أمس إلى عدن", [("أمس", "2015-08-09", "relative")]),
        ("وصل أمس الأحد إلى عدن", [("أمس الأحد", "2015-08-09", "relative")]),
        ("وقع أول أمس", [("أول أمس", "2015-08-08", "relative")]),
        ("ودانت الجامعة أول من أمس القصف", [("أول من أمس", "2015-08-08", "relative")]),
        ("حطت أول من أمس السبت", [("أول من أمس السبت", "2015-08-08", "relative")]),
        ("حطت أول من أمس الجمعة", [("أول من أمس الجمعة", "2015-08-07", "relative")]),  # the weekday wins
        ("تبدأ غداً", [("غدا", "2015-08-11", "relative")]),
        ("يوم الجمعة الماضي", [("يوم الجمعة الماضي", "2015-08-07", "relative")]),
        ("الأربعاء المقبل", [("الأربعاء المقبل", "2015-08-12", "relative")]),
        ("مساء الاثنين", [("مساء الاثنين", "2015-08-10", "relative")]),
        # "tomorrow Tuesday" is ahead (an announcement), "yesterday Sunday" the day before
        ("توقع يوم غد الثلاثاء", [("يوم غد الثلاثاء", "2015-08-11", "relative")]),
        ("وقعت يوم أمس الأحد", [("يوم أمس الأحد", "2015-08-09", "relative")]),
        ("رفعت الجلسة إلى غدٍ الثلاثاء", [("غدٍ الثلاثاء", "2015-08-11", "relative")]),
        # a weekday alone, as the wires write it: the latest such day, ahead after a future verb
        ("على ما أعلنت الوكالة الرسمية الجمعة", [("الجمعة", "2015-08-07", "relative")]),
        ("وقال أوباما الأحد إن", [("الأحد", "2015-08-09", "relative")]),
        ("وسيزور الرئيس الرياض الخميس", [("الخميس", "2015-08-13", "relative")]),
        ("مباراة السوبر المقررة في لندن الأربعاء", [("الأربعاء", "2015-08-12", "relative")]),
        ("تفقد الدكتور عبدالله الجمعة أمس المستشفى", [("أمس", "2015-08-09", "relative")]),
        ("تنطلق الفعاليات بعد غد الأربعاء", [("بعد غد الأربعاء", "2015-08-12", "relative")]),
    ],
)
def test_date_forms(text: str, expected: list[tuple[str, str, str]]) -> None:
    found = [(m.text, m.value.isoformat(), m.calendar) for m in find_dates(text, MONDAY)]
    # "غداً": the span ends before the tanween, the word as matched
    assert [(t.rstrip("ً"), v, c) for t, v, c in found] == expected


@pytest.mark.parametrize(
    "text",
    [
        "صلاة الجمعة في المسجد الحرام",  # a weekday name that is not a date
        "وخصصت خطبة الجمعة للحديث عن الحادث",
        "لا إله إلا الله الواحد الأحد",  # God's name, not Sunday
        "تبدأ الفعاليات الأربعاء بعد القادم",  # a week on: no date said
        "موعد لقاء الفريقين الجمعة والسبت المقبلين",  # ahead, and no single day
        "واستهل الدكتور الجمعة جولته",  # a family name after a title
        "قال محمد الخميس إن المشروع",  # and after a given name
        "رفعت الجلسة إلى جلسة الاثنين الموافق العاشر من الشهر",  # the date is what follows
        "بلغ عدد الزوار 25 ألفا في 2015",  # a number and a year, no month
        "25 شوال 2015",  # a Hijri month with a Gregorian year
        "في 31 فبراير 2015",  # no such day
        "رقم الهاتف 0112345678",
    ],
)
def test_not_dates(text: str) -> None:
    assert find_dates(text, MONDAY) == []


def test_spans_are_the_text_as_written() -> None:
    text = "الرياض – واس: أعلنت الهيئة أمس الأحد ٩ أغسطس ٢٠١٥ عن ..."
    for mention in find_dates(text, MONDAY):
        assert text[mention.start : mention.end] == mention.text
    assert [m.value.isoformat() for m in find_dates(text, MONDAY)] == ["2015-08-09", "2015-08-09"]


def test_relative_dates_need_a_reference() -> None:
    assert find_dates("وصل أمس", None) == []
    assert [m.value for m in find_dates("في 9 أغسطس 2015", None)] == [date(2015, 8, 9)]


def test_both_dates_of_a_muwafiq_dateline() -> None:
    dateline = "بريدة 25 شوال 1436 هـ الموافق 10 أغسطس 2015 م واس"
    found = find_dates(dateline, None)
    assert [(m.calendar, m.value) for m in found] == [("hijri", MONDAY), ("gregorian", MONDAY)]


def test_event_date_prefers_the_dateline_then_the_lead() -> None:
    assert event_date("نص الخبر", dated="24 شوال 1436 هـ", reference=MONDAY) == date(2015, 8, 9)
    assert event_date("أعلنت الوزارة أمس أن ...", reference=MONDAY) == date(2015, 8, 9)
    # a date far from the page's date in the lead is background, not the event
    assert event_date("منذ 12 يناير 2011 والبلاد ...", reference=MONDAY) is None
    # a date deep in the body is not the event's
    assert event_date("خبر " * 200 + "أمس", reference=MONDAY) is None
    assert event_date("لا تاريخ هنا", reference=MONDAY) is None
