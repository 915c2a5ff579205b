"""The Japanese font embedded in PDF exports and chart images: IPAexGothic, shipped inside the
`matplotlib-fontja` wheel (IPA Font Licence, redistribution allowed). Kuroko only reads the font file
from that package (matplotlib itself is not installed), so Japanese renders without any system font."""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path

FAMILY = "IPAexGothic"


@functools.cache
def japanese_font_path() -> Path | None:
    """The IPAexGothic .ttf file, or None when the package is missing."""
    spec = importlib.util.find_spec("matplotlib_fontja")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = Path(folder) / "fonts" / "ipaexg.ttf"
        if path.is_file():
            return path
    return None


@functools.cache
def register_chart_font() -> None:
    """Make the font known to vl-convert, so that chart SVG/PNG text in Japanese is drawn (once)."""
    path = japanese_font_path()
    if path is not None:
        import vl_convert

        vl_convert.register_font_directory(str(path.parent))
