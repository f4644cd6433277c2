"""A reader that pulls typed, checked values out of a campaign file's mappings."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email

from webapp.letters.merge import MergeFieldError, check_template


class FieldReader:
    """Pulls typed values out of a mapping, collecting every problem instead of stopping."""

    def __init__(self, data: dict[str, Any], where: str, problems: list[str]) -> None:
        self.data, self.where, self.problems = data, where, problems

    def _problem(self, key: str, message: str) -> None:
        self.problems.append(f"{self.where}{key}: {message}")

    def text(self, key: str, limit: int, required: bool = False) -> str | None:
        value = self.data.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self._problem(key, "is required")
            return None
        if not isinstance(value, str | int | float):
            self._problem(key, "must be text")
            return None
        result = str(value).strip()
        if len(result) > limit:
            self._problem(key, f"is {len(result)} characters; the limit is {limit}")
        return result

    def flag(self, key: str, default: bool) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            self._problem(key, "must be true or false")
            return default
        return value

    def url(self, key: str) -> str | None:
        value = self.text(key, 500)
        if value and urlsplit(value).scheme not in {"http", "https"}:
            self._problem(key, "must be an http(s) URL")
        return value

    def email(self, key: str) -> str | None:
        value = self.text(key, 254)
        if value:
            try:
                validate_email(value, check_deliverability=False)
            except EmailNotValidError as exc:
                self._problem(key, str(exc))
        return value

    def template(self, key: str, limit: int, required: bool = False) -> str | None:
        value = self.text(key, limit, required)
        if value:
            try:
                check_template(value)
            except MergeFieldError as exc:
                self._problem(key, str(exc))
        return value

    def moment(self, key: str) -> datetime | None:
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, str):
            try:
                value = datetime.fromisoformat(value)
            except ValueError:
                self._problem(key, "must be an ISO date or date-time, e.g. 2026-12-01T09:00:00Z")
                return None
        if not isinstance(value, datetime):
            if hasattr(value, "isoformat"):  # a bare YAML date
                return datetime.fromisoformat(value.isoformat()).replace(tzinfo=UTC)
            self._problem(key, "must be a date")
            return None
        return value if value.tzinfo else value.replace(tzinfo=UTC)
