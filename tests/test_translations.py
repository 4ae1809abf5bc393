"""Both catalogues are complete and the committed .mo files match their .po files."""

import gettext
from pathlib import Path

import polib
import pytest
from django.conf import settings

LOCALES = ["zh_Hans", "en"]


@pytest.mark.parametrize("locale", LOCALES)
def test_every_string_is_translated(locale):
    po = polib.pofile(str(Path(settings.BASE_DIR) / "locale" / locale / "LC_MESSAGES" / "django.po"))
    missing = [entry.msgid for entry in po if not entry.translated() or "fuzzy" in entry.flags]
    assert len(po) > 100 and missing == []


@pytest.mark.parametrize("locale", LOCALES)
def test_the_compiled_catalogue_is_up_to_date(locale):
    folder = Path(settings.BASE_DIR) / "locale" / locale / "LC_MESSAGES"
    po = polib.pofile(str(folder / "django.po"))
    with open(folder / "django.mo", "rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    def compiled_text(entry):
        if entry.msgctxt:
            return compiled.pgettext(entry.msgctxt, entry.msgid)
        return compiled.gettext(entry.msgid)

    stale = [e.msgid for e in po if not e.msgid_plural and compiled_text(e) != e.msgstr]
    assert stale == [], "run: make messages"


def test_every_template_and_module_string_is_in_the_catalogue(tmp_path):
    """makemessages over a copy of the code finds no string the committed catalogue lacks."""
    import os
    import shutil
    import subprocess
    import sys

    if shutil.which("xgettext") is None:
        pytest.fail("gettext is not installed: apt-get install -y gettext (see .ci/run)")
    root = Path(settings.BASE_DIR)
    skip = {"tests", "test-results", "docs", "bench", "deploy", "static", "__pycache__"}
    for item in root.iterdir():
        if item.name.startswith(".") or item.name in skip:
            continue
        if item.is_dir():
            shutil.copytree(item, tmp_path / item.name, ignore=shutil.ignore_patterns("tests", "__pycache__"))
        elif item.suffix == ".py":
            shutil.copy(item, tmp_path / item.name)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--no-obsolete", "--no-location"],
        cwd=tmp_path, check=True, capture_output=True, env={**os.environ, "PYTHONPATH": str(tmp_path)},
    )
    po = polib.pofile(str(tmp_path / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    untranslated = [e.msgid for e in po if not e.translated() or "fuzzy" in e.flags]
    assert untranslated == [], "run: make messages, then translate"
