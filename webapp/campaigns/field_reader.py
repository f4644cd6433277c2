"""A reader that pulls typed, checked values out of a campaign file's mappings."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email

from webapp.campaigns.problems import Kind, Problem
from webapp.letters.merge import MergeFieldError, check_template


class FieldReader:
    """Pulls typed values out of a mapping, collecting every problem instead of stopping."""

    def __init__(self, data: dict[str, Any], where: str, problems: list[Problem]) -> None:
        self.data, self.where, self.problems = data, where, problems

    def _problem(self, key: str, kind: Kind, text: str | None = None, **params: str | int) -> None:
        self.problems.append(Problem(f"{self.where}{key}", kind, text, **params))

    def text(self, key: str, limit: int, required: bool = False) -> str | None:
        value = self.data.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self._problem(key, Kind.REQUIRED)
            return None
        if not isinstance(value, str | int | float):
            self._problem(key, Kind.TEXT)
            return None
        result = str(value).strip()
        if len(result) > limit:
            self._problem(key, Kind.TOO_LONG, length=len(result), limit=limit)
        return result

    def flag(self, key: str, default: bool) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            self._problem(key, Kind.FLAG)
            return default
        return value

    def url(self, key: str) -> str | None:
        value = self.text(key, 500)
        if value and urlsplit(value).scheme not in {"http", "https"}:
            self._problem(key, Kind.URL)
        return value

    def email(self, key: str) -> str | None:
        value = self.text(key, 254)
        if value:
            try:
                validate_email(value, check_deliverability=False)
            except EmailNotValidError as exc:
                self._problem(key, Kind.EMAIL, str(exc))  # the library's words, in English
        return value

    def template(self, key: str, limit: int, required: bool = False) -> str | None:
        value = self.text(key, limit, required)
        if value:
            try:
                check_template(value)
            except MergeFieldError as exc:
                self.problems.append(exc.at(f"{self.where}{key}"))
        return value

    def moment(self, key: str) -> datetime | None:
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, str):
            try:
                value = datetime.fromisoformat(value)
            except ValueError:
                self._problem(key, Kind.MOMENT)
                return None
        if not isinstance(value, datetime):
            if hasattr(value, "isoformat"):  # a bare YAML date
                return datetime.fromisoformat(value.isoformat()).replace(tzinfo=UTC)
            self._problem(key, Kind.DATE)
            return None
        return value if value.tzinfo else value.replace(tzinfo=UTC)
