"""Set Japanese translations: `python scripts/po-set.py 'msgid' 'msgstr' [...]` (clears fuzzy flags).

A small helper for maintainers; the catalogue itself is edited like any .po file.
"""

import sys

import polib

PATH = "src/kuroko/locale/ja/LC_MESSAGES/django.po"
pairs = dict(zip(sys.argv[1::2], sys.argv[2::2], strict=True))
po = polib.pofile(PATH)
for entry in po:
    if entry.msgid in pairs:
        entry.msgstr = pairs.pop(entry.msgid)
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        entry.previous_msgid = entry.previous_msgctxt = None
po.save(PATH)
if pairs:
    sys.exit(f"not in the catalogue: {list(pairs)}")
