"""The Arabic catalog: complete for everything a supporter reads, and current with the source."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent.parent
CATALOGS = ROOT / "webapp" / "translations"
# Strings only organisers read (their interface may stay English); every other string is
# read by supporters or partners' visitors and must be translated.
ORGANISER_ONLY = (
    "templates/dashboard/",
    "webapp/dashboard/",
    "templates/delivery/",
    "templates/email/password_reset",
    "templates/email/letter.",
)
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def _read(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    """The strings in the source now, extracted exactly as `make translations` does."""
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    # -o: the install step `pot` depends on is taken as done (`make test` has just run it). In
    # a worktree whose .venv links to a shared environment, pyproject.toml is newer than the
    # stamp, and the test ran `pip install -e .` from the worktree into the shared environment
    # (its editable install then pointed there), some 10 s of the test's setup.
    subprocess.run(
        ["make", "-s", "--no-print-directory", "-o", ".venv/.runtime-stamp", "pot", f"POT={pot}"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    return _read(pot)


@pytest.fixture(scope="module")
def arabic() -> Catalog:
    return _read(CATALOGS / "ar" / "LC_MESSAGES" / "messages.po")


def _supporter_facing(message: Message) -> bool:
    return any(not path.startswith(ORGANISER_ONLY) for path, _line in message.locations)


def _strings(message: Message) -> list[str]:
    value = message.string
    return list(value) if isinstance(value, tuple) else [value]


def test_catalog_is_current_with_the_source(extracted: Catalog, arabic: Catalog) -> None:
    source = {m.id for m in extracted if m.id}
    catalog = {m.id for m in arabic if m.id}
    missing, stale = source - catalog, catalog - source
    assert not missing and not stale, (
        f"run `make translations`: {len(missing)} new strings not in the catalog "
        f"{sorted(map(str, missing))[:10]}, {len(stale)} strings no longer in the source "
        f"{sorted(map(str, stale))[:10]}"
    )


def test_every_supporter_string_has_an_arabic_translation(
    extracted: Catalog, arabic: Catalog
) -> None:
    needed = [m for m in extracted if m.id and _supporter_facing(m)]
    assert len(needed) > 200  # the extraction found the supporter templates and forms
    untranslated = []
    for message in needed:
        found = arabic.get(message.id)
        if found is None or found.fuzzy or not all(_strings(found)):
            untranslated.append(str(message.id))
    assert not untranslated, f"{len(untranslated)} strings without Arabic: {untranslated[:15]}"


def test_arabic_has_six_plural_forms_and_every_one_is_written(arabic: Catalog) -> None:
    assert arabic.num_plurals == 6
    assert "n % 100 >= 11 && n % 100 <= 99" in arabic.plural_expr
    plurals = [m for m in arabic if m.id and m.pluralizable and any(_strings(m))]
    assert len(plurals) >= 5
    for message in plurals:
        forms = _strings(message)
        assert len(forms) == 6 and all(forms), message.id


def test_translations_keep_their_placeholders_and_are_arabic(arabic: Catalog) -> None:
    for message in arabic:
        if not message.id or not any(_strings(message)):
            continue
        originals = message.id if isinstance(message.id, tuple) else (message.id,)
        allowed = {p for text in originals for p in PLACEHOLDER.findall(text)}
        for text in _strings(message):
            assert set(PLACEHOLDER.findall(text)) <= allowed, (message.id, text)
            assert re.search(r"[\u0600-\u06ff]", text), (message.id, text)
            assert not re.search(r"[\u0600-\u06ff][,;?]", text), (
                "Arabic punctuation (، ؛ ؟) after Arabic words",
                text,
            )
        # Singular sentences must keep the number the plural form shows.
        if isinstance(message.id, str):
            assert set(PLACEHOLDER.findall(message.string)) == allowed, (message.id, message.string)
    assert list(arabic.check()) == []
