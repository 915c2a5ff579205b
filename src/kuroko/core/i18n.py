"""Compile the gettext catalogues (.po → .mo) with polib, so no system gettext is needed."""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext_noop

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"


def compile_catalogs(locale_dir: Path = LOCALE_DIR) -> list[Path]:
    """Compile every .po file whose .mo is missing or older; return the files written."""
    import polib

    written = []
    for po_path in sorted(locale_dir.glob("*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
        written.append(mo_path)
    return written


# Django 6.1's label of an empty choice ("- Select an option -", django.db.models.fields) is not yet in
# Django's Japanese catalogue; marking it here puts it in ours, which Django reads on top of its own.
BLANK_CHOICE_LABEL = gettext_noop("- Select an option -")
