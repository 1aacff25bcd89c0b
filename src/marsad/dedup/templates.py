"""Outlet templates learnt from the archive, taken out of the clean text.

Near-duplicate detection counts, for every (outlet, normalized line), the distinct articles that
carried it (`Archive.count_lines`). A line that `TEMPLATE_MIN_ARTICLES` articles of one outlet
share is that outlet's template *for matching*. For the clean text the bar is higher, because a
line recurring in a few articles may be real content (the background sentence of a running
story, repeated in each update): a line leaves the text only when it is also short (at most
`EDGE_MAX_WORDS` words) and stands at an edge of the article — among the lines peeled off its
start or end, each of them template too (a sign-off, a contact line, a byline, a teaser link).
Rules in the segmenter's profile catch the furniture known in advance; this catches the rest,
per outlet, from the archive itself.

How a template learnt later reaches articles stored earlier: every short edge line not (yet)
template is recorded with its article (`Archive.add_template_edges`); when a line crosses the
bar, the articles recorded with it are cleaned too, in the same transaction, and the record of
that line is dropped. The removed lines are kept in the article's `boilerplate` field and the
page keeps its raw bytes, so nothing is lost; the article keeps its id (the hash of the text as
segmented), so a later copy of the same page is still the same article.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

from marsad.text.normalize import normalize
from marsad.text.shingle import Tokenized, tokenize

TEMPLATE_MIN_ARTICLES = 5  # distinct articles of one outlet that make a line its template
EDGE_LINES = 6  # lines from each end of an article that may be its outlet's template
EDGE_MAX_WORDS = 12  # a longer line is a sentence of the story, however often it recurs

I64 = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class Cleaned:
    """An article whose learnt template lines left its text."""

    key: int
    text: str
    removed: tuple[str, ...]


class TemplateArchive(Protocol):
    """What template learning needs from the archive (the store, or memory in tests)."""

    def count_lines(self, hashes: Sequence[int]) -> dict[int, int]: ...

    def template_edges(self, hashes: Sequence[int]) -> list[int]:
        """Articles recorded with any of these edge lines."""
        ...

    def add_template_edges(self, rows: Sequence[tuple[int, int]]) -> None:
        """Record (line hash, article key) of edge lines that are not template yet."""
        ...

    def drop_template_edges(self, hashes: Sequence[int]) -> None: ...

    def texts(self, keys: Sequence[int]) -> list[tuple[int, str, str | None]]:
        """(key, text, outlet) of these articles."""
        ...


def edge_lines(tokens: Tokenized) -> tuple[I64, I64]:
    """(line hash, article index) of every short line among the first and last EDGE_LINES
    lines of each article of a tokenized batch."""
    lines = tokens.line_hashes.size
    if lines == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    words = np.bincount(tokens.token_line, minlength=lines)
    docs = tokens.line_doc
    starts = np.flatnonzero(np.r_[True, docs[1:] != docs[:-1]])
    ends = np.r_[starts[1:], lines]
    first = np.repeat(starts, ends - starts)
    last = np.repeat(ends, ends - starts) - 1
    index = np.arange(lines)
    edge = ((index - first < EDGE_LINES) | (last - index < EDGE_LINES)) & (words <= EDGE_MAX_WORDS)
    return tokens.line_hashes[edge], docs[edge]


def _word_lines(text: str) -> list[int]:
    """Indices of the text's lines that hold a word: the lines tokenizing counts and hashes."""
    return [i for i, line in enumerate(normalize(text).split("\n")) if any(map(_word_character, line))]


def _word_character(char: str) -> bool:
    """What tokenizing counts as a word character (astral characters are, as surrogate pairs)."""
    return char.isalnum() or char == "_" or ord(char) > 0xFFFF


def strip_edges(text: str, hashes: Sequence[int], words: Sequence[int], template: set[int]) -> Cleaned | None:
    """The text without the template lines peeled off its start and end (`hashes`, `words`:
    each word-holding line's hash and word count, in order); None when nothing goes. A text that
    is template through and through is left whole: there would be nothing left to read."""

    def removable(k: int) -> bool:
        return hashes[k] in template and words[k] <= EDGE_MAX_WORDS

    count = len(hashes)
    front = 0
    while front < min(count, EDGE_LINES) and removable(front):
        front += 1
    back = count
    while back > max(front, count - EDGE_LINES) and removable(back - 1):
        back -= 1
    if (front == 0 and back == count) or front >= back:
        return None
    raw = text.split("\n")
    positions = _word_lines(text)
    drop = set(positions[:front] + positions[back:])
    kept = [line for i, line in enumerate(raw) if i not in drop]
    removed = tuple(raw[i].strip() for i in sorted(drop))
    return Cleaned(-1, "\n".join(kept).strip(), removed)


def learn_templates(
    keys: Sequence[int], tokens: Tokenized, batch_lines: Sequence[int], archive: TemplateArchive
) -> list[Cleaned]:
    """Take learnt template lines out of a batch just counted (`batch_lines`: the distinct line
    hashes each of its articles added to the counts) and out of earlier articles whose edge
    lines became template with this batch. Returns the articles to rewrite."""
    edge_hash, edge_doc = edge_lines(tokens)
    counts = archive.count_lines(sorted(set(edge_hash.tolist()))) if edge_hash.size else {}
    template = {h for h, n in counts.items() if n >= TEMPLATE_MIN_ARTICLES}
    added = Counter(batch_lines)
    crossed = [h for h in template if counts[h] - added[h] < TEMPLATE_MIN_ARTICLES]
    batch = np.asarray(keys, dtype=np.int64)
    touched = {
        int(batch[d]) for h, d in zip(edge_hash.tolist(), edge_doc.tolist(), strict=True) if h in template
    }
    earlier = set(archive.template_edges(crossed)) - set(batch.tolist()) if crossed else set()
    archive.add_template_edges(
        sorted(
            {
                (h, int(batch[d]))
                for h, d in zip(edge_hash.tolist(), edge_doc.tolist(), strict=True)
                if h not in template
            }
        )
    )
    if template:
        archive.drop_template_edges(sorted(template))
    return clean(archive.texts(sorted(touched | earlier)), archive)


def clean(articles: Sequence[tuple[int, str, str | None]], archive: TemplateArchive) -> list[Cleaned]:
    """Each article's text with its outlet's template lines peeled off its edges, where any go."""
    if not articles:
        return []
    tokens = tokenize([text for _, text, _ in articles], [outlet for _, _, outlet in articles])
    words = np.bincount(tokens.token_line, minlength=tokens.line_hashes.size)
    hashes = tokens.line_hashes.tolist()
    counts = archive.count_lines(sorted(set(hashes)))
    template = {h for h, n in counts.items() if n >= TEMPLATE_MIN_ARTICLES}
    bounds = np.searchsorted(tokens.line_doc, np.arange(len(articles) + 1)).tolist()
    cleaned = []
    for k, (key, text, _) in enumerate(articles):
        start, end = bounds[k], bounds[k + 1]
        found = strip_edges(text, hashes[start:end], words[start:end].tolist(), template)
        if found is not None:
            cleaned.append(Cleaned(key, found.text, found.removed))
    return cleaned
