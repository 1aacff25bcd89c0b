"""A headline without its outlet's furniture.

SPA files every item under a section and sends a long one in parts, and says both in the
headline: «عام / نائب خادم الحرمين الشريفين يرأس جلسة مجلس الوزراء / إضافة أولى». Left there, the
kicker opens every SPA title in story lists and search hits, and the part marker makes one
item's parts look like different headlines. Both leave the title for the article's
`boilerplate` (nothing is lost); the words are the profile's (`[titles]`), so a new outlet's
kickers are data, not code.
"""

from __future__ import annotations

import re

from marsad.segment.profile import Profile, matching_form

# The part's ordinal, normalized: «إضافة أولى», «إضافة ثالثة واخيرة», «إضافة أولى وأخيرة».
_ORDINALS = frozenset(
    {"اولي", "ثانيه", "ثالثه", "رابعه", "خامسه", "سادسه", "سابعه", "ثامنه", "تاسعه", "عاشره", "اخيره"}
)
_TOKEN = re.compile(r"\S+")


def split_title(title: str, profile: Profile) -> tuple[str, tuple[str, ...]]:
    """The title without a section kicker or a part marker, and what was taken out, in order;
    runs of white space folded to one (SPA pads its part markers: «… الوزراء        إضافة أولى»).
    """
    title = " ".join(title.split())
    furniture: list[str] = []
    head, slash, rest = title.partition("/")
    if slash and rest.strip() and matching_form(head.strip()) in profile.title_sections:
        furniture.append(head.strip())
        title = rest.strip()
    tokens = list(_TOKEN.finditer(title))
    for index in range(len(tokens) - 2, max(1, len(tokens) - 5), -1):  # the last 2–4 words, after ≥ 2
        if matching_form(tokens[index].group()) not in profile.title_parts:
            continue
        ordinals = [matching_form(token.group()).removeprefix("و") for token in tokens[index + 1 :]]
        ordinals = [word for word in ordinals if word]  # «و أخيرة» written apart
        if 1 <= len(ordinals) <= 2 and all(word in _ORDINALS for word in ordinals):
            furniture.append(title[tokens[index].start() :].strip())
            title = title[: tokens[index].start()].rstrip(" /\t")
        break
    return title, tuple(furniture)
