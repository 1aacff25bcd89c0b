"""Subset Noto Naskh Arabic (Debian's fonts-noto-core) into the web app's WOFF2 files.

Why a subset: the full TTFs cover Arabic presentation forms and scripts the interface never
shows; Arabic letters, marks, Arabic and Latin digits and punctuation keep every glyph and
OpenType shaping rule the pages need, at a fraction of the weight. The font is under the SIL
Open Font License 1.1 (its text ships beside the files, as OFL.txt).

    apt-get install fonts-noto-core
    uv run --with fonttools==4.68.0 --with brotli==1.2.1 python tools/build_font.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset  # type: ignore[import-not-found]

SOURCE = Path("/usr/share/fonts/truetype/noto")
TARGET = Path(__file__).resolve().parents[1] / "src" / "marsad" / "web" / "static" / "fonts"
# Basic Latin and Latin-1 punctuation, Arabic, Arabic Supplement, general punctuation (…, «»,
# dashes), Arabic presentation forms A and B (ligatures a shaper may pick)
UNICODES = "U+0020-007E,U+00A0-00BF,U+00D7,U+00F7,U+0600-06FF,U+0750-077F,U+2000-206F,U+FB50-FDFF,U+FE70-FEFF"


def main() -> None:
    TARGET.mkdir(parents=True, exist_ok=True)
    for weight in ("Regular", "Bold"):
        source = SOURCE / f"NotoNaskhArabic-{weight}.ttf"
        if not source.exists():
            sys.exit(f"{source} not found: apt-get install fonts-noto-core")
        out = TARGET / f"NotoNaskhArabic-{weight}.woff2"
        subset.main(
            [
                str(source),
                f"--unicodes={UNICODES}",
                "--layout-features=*",
                "--flavor=woff2",
                f"--output-file={out}",
            ]
        )
        print(f"{out.name}: {out.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
