"""The Japanese catalogue is complete and sound: every user-visible string has a checked translation.

See docs/translation.md. When a test here fails after you added or changed a string, update the catalogue:

    cd src/kuroko && django-admin makemessages -l ja --settings=tests.settings --pythonpath=../.. \\
        -i "migrations/*" --no-obsolete

then translate the new entries in src/kuroko/locale/ja/LC_MESSAGES/django.po (no fuzzy, no empty msgstr).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import polib
import pytest

import kuroko

PACKAGE_DIR = Path(kuroko.__file__).resolve().parent
PO_PATH = PACKAGE_DIR / "locale" / "ja" / "LC_MESSAGES" / "django.po"
MAKEMESSAGES_HINT = (
    "cd src/kuroko && django-admin makemessages -l ja --settings=tests.settings --pythonpath=../.. "
    '-i "migrations/*" --no-obsolete, then translate the new entries in '
    "src/kuroko/locale/ja/LC_MESSAGES/django.po"
)

# printf-style conversions as Python's % operator reads them; "%%" is a literal percent sign. The space flag
# is left out on purpose: in "% complete" it is ordinary text, not a conversion.
PYTHON_FORMAT = re.compile(
    r"%%|%(?:\((?P<name>[^)]*)\))?[-#0+]*(?:\*|\d+)?(?:\.(?:\*|\d+))?(?P<type>[diouxXeEfFgGcrsa])"
)
BRACE_FORMAT = re.compile(r"\{\{|\}\}|\{(?P<field>[^{}]*)\}")
HTML_TAG = re.compile(r"</?[a-zA-Z][^>]*>")

# Glossary terms (docs/translation.md, PRODUCT.md): these msgids must keep their agreed Japanese wording.
GLOSSARY = {
    "Portfolio": "ポートフォリオ",
    "Program": "プログラム",
    "Project": "プロジェクト",
    "Task": "タスク",
    "Summary task": "サマリータスク",
    "Milestone": "マイルストーン",
    "WBS": "WBS",
    "RAG": "RAG",
    "dependency": "依存関係",
    "% complete": "進捗率",
    "People": "要員",
    "Person": "要員",
    "Predecessors": "先行タスク",
    "Risk": "リスク",
}


def _catalogue() -> polib.POFile:
    return polib.pofile(str(PO_PATH))


def _key(entry: polib.POEntry) -> tuple[str | None, str, str]:
    return (entry.msgctxt, entry.msgid, entry.msgid_plural)


def _label(entry: polib.POEntry) -> str:
    context = f" (context {entry.msgctxt!r})" if entry.msgctxt else ""
    where = ", ".join(f"{path}:{line}" for path, line in entry.occurrences[:3])
    return f"{entry.msgid!r}{context}" + (f" [{where}]" if where else "")


def _translations(entry: polib.POEntry) -> list[str]:
    if entry.msgid_plural:
        return [entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural)]
    return [entry.msgstr]


def _is_translated(entry: polib.POEntry) -> bool:
    return "fuzzy" not in entry.flags and all(text.strip() for text in _translations(entry))


def _python_placeholders(text: str) -> tuple[Counter[str], list[str]]:
    """Named placeholders (as a multiset of names) and positional conversions (types, in order)."""
    named: Counter[str] = Counter()
    positional = []
    for match in PYTHON_FORMAT.finditer(text):
        if match.group(0) == "%%":
            continue
        if match.group("name") is not None:
            named[match.group("name")] += 1
        else:
            positional.append(match.group("type"))
    return named, positional


def _brace_fields(text: str) -> set[str]:
    return {m.group("field") for m in BRACE_FORMAT.finditer(text) if m.group("field") is not None}


def _tags(text: str) -> list[str]:
    return sorted(HTML_TAG.findall(text))


def test_catalogue_header():
    """The catalogue declares Japanese, UTF-8 and a single plural form."""
    po = _catalogue()
    assert not po.metadata_is_fuzzy, "the header of django.po is marked fuzzy"
    assert po.metadata.get("Project-Id-Version") == "Kuroko"
    assert po.metadata.get("Language") == "ja"
    assert "charset=UTF-8" in po.metadata.get("Content-Type", "")
    assert po.metadata.get("Plural-Forms", "").replace(" ", "") == "nplurals=1;plural=0;"


def test_every_entry_is_translated_and_not_fuzzy():
    """No entry of the committed catalogue is untranslated, fuzzy or obsolete."""
    po = _catalogue()
    assert len(po) > 0, f"{PO_PATH} has no entries"
    problems = [f"untranslated: {_label(e)}" for e in po if not e.obsolete and not _is_translated(e)]
    problems += [f"obsolete (run makemessages --no-obsolete): {e.msgid!r}" for e in po if e.obsolete]
    assert not problems, "\n".join(problems)


def _format_problems(entry: polib.POEntry, translation: str) -> list[str]:
    """What a translation lost or added compared with its msgid (or, for plurals, its msgid_plural)."""
    sources = [entry.msgid, entry.msgid_plural] if entry.msgid_plural else [entry.msgid]
    problems = []
    if "python-format" in entry.flags or "%(" in entry.msgid:
        expected = [_python_placeholders(source) for source in sources]
        got_named, got_positional = _python_placeholders(translation)
        # Japanese has one plural form: it may match either the singular or the plural msgid.
        if not any(set(got_named) == set(named) for named, _ in expected):
            problems.append(f"placeholders {sorted(expected[-1][0])} became {sorted(got_named)}")
        if not any(got_positional == positional for _, positional in expected):
            problems.append(f"conversions {expected[-1][1]} became {got_positional}")
        # A lone % where the msgid has none left over: Python's % operator (blocktranslate with values)
        # fails on it, and msgfmt -c refuses the catalogue. The msgid wrote it as %%.
        if "%" in PYTHON_FORMAT.sub("", translation) and all(
            "%" not in PYTHON_FORMAT.sub("", s) for s in sources
        ):
            problems.append("a lone % (write %% as the msgid does)")
    if "python-brace-format" in entry.flags:
        fields = [_brace_fields(source) for source in sources]
        if _brace_fields(translation) not in fields:
            problems.append(f"fields {sorted(fields[-1])} became {sorted(_brace_fields(translation))}")
    if all(_tags(source) != _tags(translation) for source in sources):
        problems.append(f"HTML tags {_tags(sources[-1])} became {_tags(translation)}")
    return problems


def test_placeholders_and_markup_match():
    """Each translation keeps the msgid's %-placeholders, {}-fields and HTML tags."""
    problems = [
        f"{_label(entry)}: {problem}"
        for entry in _catalogue()
        if not entry.obsolete and _is_translated(entry)
        for translation in _translations(entry)
        for problem in _format_problems(entry, translation)
    ]
    assert not problems, "\n".join(problems)


def test_glossary_terms():
    """Glossary terms keep their agreed Japanese wording wherever the catalogue has them."""
    po = _catalogue()
    wrong = []
    for msgid, expected in GLOSSARY.items():
        entry = po.find(msgid)
        if entry is not None and entry.msgstr != expected:
            wrong.append(f"{msgid!r} is {entry.msgstr!r}, the glossary says {expected!r}")
    assert not wrong, "\n".join(wrong)


def test_catalogue_covers_current_sources(tmp_path):
    """Every string marked in the current sources is in the committed catalogue, translated."""
    missing_tools = [tool for tool in ("xgettext", "msguniq", "msgmerge") if shutil.which(tool) is None]
    if missing_tools:
        pytest.fail(
            f"{', '.join(missing_tools)} not found on PATH: install GNU gettext (apt-get install gettext, "
            "brew install gettext) to check that every string is translated; CI installs it."
        )
    # Extract from a copy so that the repository is never written to.
    copy = tmp_path / "kuroko"
    shutil.copytree(PACKAGE_DIR, copy, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "locale"))
    (copy / "locale").mkdir()
    # No settings: makemessages then writes only to ./locale of the copy, never to settings.LOCALE_PATHS.
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "ja", "-i", "migrations/*", "--no-obsolete"],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, f"makemessages failed:\n{result.stdout}\n{result.stderr}"
    extracted = polib.pofile(str(copy / "locale" / "ja" / "LC_MESSAGES" / "django.po"))
    assert len(extracted) > 0, "makemessages extracted no strings"
    committed = {_key(e): e for e in _catalogue() if not e.obsolete}
    missing = [f"not in the catalogue: {_label(e)}" for e in extracted if _key(e) not in committed]
    missing += [
        f"not translated (empty or fuzzy): {_label(e)}"
        for e in extracted
        if _key(e) in committed and not _is_translated(committed[_key(e)])
    ]
    assert not missing, (
        f"{len(missing)} user-visible string(s) lack a Japanese translation:\n"
        + "\n".join(missing)
        + f"\nTo fix: {MAKEMESSAGES_HINT}."
    )


@pytest.mark.django_db
def test_login_page_in_japanese(client):
    """The login page speaks Japanese to a browser that asks for it."""
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="ja")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="ja">' in html
    assert "Kuroko にログイン" in html
    assert "本文へスキップ" in html
    assert "Log in to Kuroko" not in html


@pytest.mark.django_db
def test_language_cookie_selects_japanese(client, settings):
    """The language cookie switches the interface, and Django's own form labels, to Japanese."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ja"
    html = client.get("/accounts/login/").content.decode()
    assert "オープンソースのPMOプラットフォーム" in html
    assert "パスワード" in html


def test_catalogue_compiles_with_format_checks(tmp_path):
    """msgfmt --check-format (what compilemessages runs) accepts the catalogue without an error."""
    if shutil.which("msgfmt") is None:
        pytest.fail(
            "msgfmt not found on PATH: install GNU gettext (apt-get install gettext); CI installs it."
        )
    result = subprocess.run(
        ["msgfmt", "--check-format", "-o", str(tmp_path / "django.mo"), str(PO_PATH)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    # A msgid such as "at most 5 % of the links" reads as a "% o" conversion: mark its source with
    # "# xgettext:no-python-format" when it is never %-formatted.
    assert result.returncode == 0, result.stderr


def test_django_blank_choice_label_reads_in_japanese():
    """Django's empty-choice label, missing from Django's own Japanese catalogue, comes from ours."""
    from django.db.models.fields import BLANK_CHOICE_LABEL
    from django.utils import translation

    with translation.override("ja"):
        assert str(BLANK_CHOICE_LABEL) == "- 選択してください -"
