"""Segmentation: a page's text → its ordered articles and structured boilerplate."""

from marsad.segment.agencies import find_agencies, parse_source
from marsad.segment.profile import Profile, load_profile
from marsad.segment.segmenter import Segmenter, segment

__all__ = ["Profile", "Segmenter", "find_agencies", "load_profile", "parse_source", "segment"]
