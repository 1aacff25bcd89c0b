"""Options every reader shares."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """How to read input.

    `fields` overrides the auto-detected JSON field names, e.g. {"text": "body", "outlet": "site"}.
    `outlet` forces the outlet of every page read. `max_page_bytes` bounds one page: a larger one
    is quarantined rather than segmented (no news page is 100 MB; such a file is a dump or an error).
    """

    outlet: str | None = None
    fields: dict[str, str] = field(default_factory=dict)
    max_page_bytes: int = 20 * 1024 * 1024
    feed_timeout: float = 10.0
