"""The tests' copied ZIP table (tests/civic/zip_copy.py) is, row for row, the shipped insert's."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import event

from tests.civic.data import ZIP_FILE, ZIP_SNAPSHOT, load_zips
from tests.conftest import _base_config, built_app
from webapp.database import db

ROWS = "SELECT rowid, zip_code, state, district FROM zip_district ORDER BY rowid"


def _database(template: Path, folder: Path) -> dict[str, Any]:
    folder.mkdir()
    shutil.copyfile(template, folder / "test.db")
    return _base_config(f"sqlite:///{folder / 'test.db'}", folder)


def _read(app: Flask, sql: str) -> list[tuple[Any, ...]]:
    with app.app_context():
        rows = [tuple(row) for row in db.session.connection().exec_driver_sql(sql)]
        db.session.remove()
        return rows


def test_the_copied_zip_table_is_the_shipped_inserts_own(
    sqlite_template: Path, tmp_path: Path
) -> None:
    args = ["civic", "sync-zips", "--from", str(ZIP_FILE), "--snapshot-date", ZIP_SNAPSHOT]
    with built_app(_database(sqlite_template, tmp_path / "shipped")) as shipped:
        assert shipped.test_cli_runner().invoke(args=args).exit_code == 0
        expected = _read(shipped, ROWS)
        schemas = [name for _, name, _ in _read(shipped, "PRAGMA database_list")]
    assert len(expected) == 42_033

    with built_app(_database(sqlite_template, tmp_path / "copied")) as copied:
        statements: list[str] = []
        with copied.app_context():
            event.listen(
                db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]), named=False
            )
        load_zips(copied)  # the process's first load stores the table, later ones copy it
        load_zips(copied)  # replaces the whole table, as the shipped sync does
        assert any("FROM zip_copy.zip_district" in sql for sql in statements)
        assert _read(copied, ROWS) == expected
        # The stored table was attached for the insert only.
        assert [name for _, name, _ in _read(copied, "PRAGMA database_list")] == schemas
        assert _read(copied, "PRAGMA integrity_check") == [("ok",)]
