"""Plain text pages (.txt and text of unknown type): the shape the seed pages already have."""

from __future__ import annotations

from marsad.model import Page, ReadFailure
from marsad.read.common import decode_page, outlet_for
from marsad.read.options import ReadOptions


def read_text(source: str, raw: bytes, options: ReadOptions, folder: str | None = None) -> Page | ReadFailure:
    """A text page kept as published: only Windows line ends become "\\n" so one segmenter fits all."""
    text = decode_page(source, raw)
    if isinstance(text, ReadFailure):
        return text
    text = text.replace("\r\n", "\n")
    if not text.strip():
        return ReadFailure(source, "no text: the file holds only white space", raw)
    return Page(source=source, raw=raw, text=text, outlet=outlet_for(options, folder=folder), fmt="text")
