"""Settings: read once from the environment (and `.env`), the only place that touches os.environ."""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from dotenv import dotenv_values, load_dotenv

from webapp.config_values import ConfigError as ConfigError  # raised from load_config
from webapp.config_values import (
    env_address,
    env_bool,
    env_int,
    env_positive,
    env_seconds,
    env_site_url,
    env_str,
)
from webapp.instance_keys import (
    data_encryption_key,
    ensure_data_key_file,
    ensure_secret_key_file,
    secret_key,
)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_INSTANCE = PROJECT_ROOT / "instance"


def _environment() -> Mapping[str, str]:
    load_dotenv(PROJECT_ROOT / ".env", override=False)
    return os.environ


def unread_env_file_keys(root: Path = PROJECT_ROOT) -> list[str]:
    """Keys `.env` sets that no setting reads (a typo such as SMTP_ULR is otherwise silently
    ignored), judged by `.env.example`, which lists every one; Flask's own FLASK_* pass."""
    example = root / ".env.example"
    if not example.is_file() or not (root / ".env").is_file():
        return []
    known = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", example.read_text("utf-8"), re.M))
    given = dotenv_values(root / ".env")
    return sorted(k for k in given if k not in known and not k.startswith("FLASK_"))


def _instance(env: Mapping[str, str], instance_path: Path | None = None) -> Path:
    return Path(env.get("INSTANCE_PATH") or instance_path or DEFAULT_INSTANCE)


def _key_file(env: Mapping[str, str], instance: Path) -> Path:
    return Path(env_str(env, "SECRET_KEY_FILE", str(instance / "secret_key")))


def _data_key_file(env: Mapping[str, str], instance: Path) -> Path:
    return Path(env_str(env, "DATA_ENCRYPTION_KEY_FILE", str(instance / "data_encryption_key")))


def _database_url(env: Mapping[str, str], instance: Path) -> str:
    url = env_str(env, "DATABASE_URL", f"sqlite:///{instance / 'civic_letters.db'}")
    if url.startswith("postgres://"):
        # Heroku's and many hosts' spelling; SQLAlchemy knows the dialect only as postgresql.
        url = "postgresql+psycopg://" + url.removeprefix("postgres://")
    return url


def prepare_instance() -> Path:
    """Create the instance folder and, unless set in the environment, its two key files (the
    master key's only while the database holds no sealed data)."""
    env = _environment()
    instance = _instance(env)
    instance.mkdir(parents=True, exist_ok=True)
    if not env.get("SECRET_KEY"):
        ensure_secret_key_file(_key_file(env, instance))
    if not env.get("DATA_ENCRYPTION_KEY"):
        ensure_data_key_file(_data_key_file(env, instance), _database_url(env, instance))
    return instance


def load_config(
    env: Mapping[str, str] | None = None, instance_path: Path | None = None
) -> dict[str, Any]:
    """Build the Flask config mapping from environment variables.

    `env` defaults to os.environ after loading `.env` from the project root.
    """
    if env is None:
        env = _environment()
    instance = _instance(env, instance_path)
    debug = env_bool(env, "FLASK_DEBUG", False)
    testing = env_bool(env, "TESTING", False)
    secret = secret_key(env.get("SECRET_KEY", ""), _key_file(env, instance), debug or testing)
    if secret is None:
        # Debug only: a per-process key is fine because nothing needs to survive a restart.
        secret = secrets.token_urlsafe(48)
    database_url = _database_url(env, instance)
    data_key = data_encryption_key(
        env.get("DATA_ENCRYPTION_KEY", ""),
        _data_key_file(env, instance),
        debug,
        testing,
        database_url,
    )
    public_url = env_site_url(env, "PUBLIC_BASE_URL")
    return {
        "DEBUG": debug,
        "TESTING": testing,
        "INSTANCE_PATH": str(instance),
        "SECRET_KEY": secret,
        "IP_HASH_KEY": env_str(env, "IP_HASH_KEY", ""),
        "DATA_ENCRYPTION_KEY": data_key,
        # Set only while rotating: data keys still wrapped by it open, `rotate-key` re-wraps them.
        "DATA_ENCRYPTION_PREVIOUS_KEY": env_str(env, "DATA_ENCRYPTION_PREVIOUS_KEY", ""),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLITE_BUSY_TIMEOUT_MS": env_int(env, "SQLITE_BUSY_TIMEOUT_MS", 30000),
        "POSTGRES_LOCK_TIMEOUT_MS": env_int(env, "POSTGRES_LOCK_TIMEOUT_MS", 30000),
        "DB_POOL_SIZE": env_int(env, "DB_POOL_SIZE", 10),
        "MAX_CONTENT_LENGTH": env_int(env, "REQUEST_MAX_BYTES", 256 * 1024),
        "MAX_FORM_MEMORY_SIZE": env_int(env, "REQUEST_MAX_BYTES", 256 * 1024),
        "REQUEST_SLOTS": env_int(env, "REQUEST_SLOTS", 1),
        "PUBLIC_BASE_URL": public_url.rstrip("/"),
        # Gzip only: brotli/zstd save little more on pages this size and cost more CPU.
        "COMPRESS_ENABLED": env_bool(env, "COMPRESS_RESPONSES", True),
        "COMPRESS_ALGORITHM": ["gzip"],
        # 1 is nginx's default: a page of letter form is 9% larger than at 6 for half the CPU,
        # and every visitor's page is compressed afresh (it carries their own form token).
        "COMPRESS_LEVEL": env_int(env, "COMPRESS_LEVEL", 1),
        "COMPRESS_MIN_SIZE": 500,
        # CSV exports stream row by row; buffering them to compress would hold them in memory.
        "COMPRESS_STREAMS": False,
        # Links in emails must be absolute: without PUBLIC_BASE_URL they point at `make run`.
        "LOCAL_BASE_URL": f"http://127.0.0.1:{env_int(env, 'PORT', 5000)}",
        "SITE_NAME": env_str(env, "SITE_NAME", "civic-letters"),
        "TRUST_PROXY_HOPS": env_int(env, "TRUST_PROXY_HOPS", 0),
        "SESSION_COOKIE_SECURE": env_bool(
            env, "SESSION_COOKIE_SECURE", public_url.startswith("https://")
        ),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        # Every form message is our own (translated by Flask-Babel); loading WTForms' catalogue
        # on each form cost a millisecond per request for nothing.
        "WTF_I18N_ENABLED": False,
        "WTF_CSRF_TIME_LIMIT": env_int(env, "CSRF_TIME_LIMIT_SECONDS", 6 * 3600),
        "BABEL_DEFAULT_LOCALE": env_str(env, "BABEL_DEFAULT_LOCALE", "en"),
        "SUPPORTED_LOCALES": [
            code.strip() for code in env_str(env, "SUPPORTED_LOCALES", "en,ar").split(",")
        ],
        "DEFAULT_CAMPAIGN_FILE": env_str(env, "DEFAULT_CAMPAIGN_FILE", ""),
        "COUNT_CACHE_SECONDS": env_int(env, "COUNT_CACHE_SECONDS", 5),
        # How often each process asks whether a campaign changed (seconds; 0: every request).
        "CAMPAIGN_RECHECK_SECONDS": env_seconds(env, "CAMPAIGN_RECHECK_SECONDS", 1.0),
        # Letter form pages kept rendered per worker (0: render every page afresh).
        "FORM_PAGE_CACHE_SIZE": env_int(env, "FORM_PAGE_CACHE_SIZE", 256),
        # Widget thank-you pages kept rendered per worker: one per district's set of offices.
        "THANKS_PAGE_CACHE_SIZE": env_int(env, "THANKS_PAGE_CACHE_SIZE", 1024),
        "LOG_LEVEL": env_str(env, "LOG_LEVEL", "INFO"),
        "RATELIMIT_ENABLED": env_bool(env, "RATELIMIT_ENABLED", True),
        # Empty: a SQLite file in the instance folder, shared by the workers of one machine.
        "RATELIMIT_STORAGE_URI": env_str(env, "RATELIMIT_STORAGE_URI", ""),
        # After the store fails to answer, requests skip it; it is checked again this often.
        "RATELIMIT_STORE_RETRY_SECONDS": env_seconds(env, "RATELIMIT_STORE_RETRY_SECONDS", 10.0),
        "API_LOOKUP_RATE_LIMIT": env_str(env, "API_LOOKUP_RATE_LIMIT", "30/minute;500/hour"),
        "API_OWN_WORDS_RATE_LIMIT": env_str(env, "API_OWN_WORDS_RATE_LIMIT", "30/minute;600/hour"),
        "OWN_WORDS_COMMON_AT": env_int(env, "OWN_WORDS_COMMON_AT", 5),
        "WIDGET_TOKEN_MAX_AGE_SECONDS": env_int(env, "WIDGET_TOKEN_MAX_AGE_SECONDS", 4 * 3600),
        "LETTER_RATE_LIMIT": env_str(env, "LETTER_RATE_LIMIT", "20/minute;200/hour"),
        "EMAIL_RATE_LIMIT": env_str(env, "EMAIL_RATE_LIMIT", "10/hour"),
        "LOGIN_RATE_LIMIT": env_str(env, "LOGIN_RATE_LIMIT", "10/minute"),
        # Failed sign-ins per email address (typed, account or not); good ones do not count.
        "LOGIN_FAILURE_RATE_LIMIT": env_str(env, "LOGIN_FAILURE_RATE_LIMIT", "20/hour"),
        "RECEIPT_LINK_RATE_LIMIT": env_str(env, "RECEIPT_LINK_RATE_LIMIT", "10/hour"),
        "RECEIPT_LINK_EMAIL_RATE_LIMIT": env_str(
            env, "RECEIPT_LINK_EMAIL_RATE_LIMIT", "3/hour;6/day"
        ),
        "RISK_HOLD_SCORE": env_int(env, "RISK_HOLD_SCORE", 4),
        "RISK_MIN_FORM_SECONDS": env_seconds(env, "RISK_MIN_FORM_SECONDS", 4.0),
        "RISK_IP_BURST": env_int(env, "RISK_IP_BURST", 20),
        "RISK_SUBNET_BURST": env_int(env, "RISK_SUBNET_BURST", 60),
        "RISK_SAME_TEXT_HOLD": env_int(env, "RISK_SAME_TEXT_HOLD", 10),
        "RISK_SAME_TEXT_FLAG": env_int(env, "RISK_SAME_TEXT_FLAG", 3),
        "RETENTION_DAYS": env_int(env, "RETENTION_DAYS", 90),
        "PRIVACY_CONTACT": env_str(env, "PRIVACY_CONTACT", ""),
        **_civic_settings(env),
        **_delivery_settings(env),
    }


def _delivery_settings(env: Mapping[str, str]) -> dict[str, Any]:
    return {
        "SMTP_URL": env_str(env, "SMTP_URL", ""),
        # The most one email may take, connecting included; the outbox leases by it.
        "SMTP_TIMEOUT_SECONDS": env_positive(env, "SMTP_TIMEOUT_SECONDS", 20),
        "MAIL_FROM": env_address(env, "MAIL_FROM", "letters@localhost"),
        "OUTBOX_BATCH_SIZE": env_int(env, "OUTBOX_BATCH_SIZE", 50),
        "OUTBOX_LEASE_SECONDS": env_int(env, "OUTBOX_LEASE_SECONDS", 300),
        # A row being sent stays leased for its channel's time limit plus this margin.
        "OUTBOX_LEASE_MARGIN_SECONDS": env_positive(env, "OUTBOX_LEASE_MARGIN_SECONDS", 30),
        "OUTBOX_MAX_ATTEMPTS": env_int(env, "OUTBOX_MAX_ATTEMPTS", 8),
        "OUTBOX_BACKOFF_BASE_SECONDS": env_int(env, "OUTBOX_BACKOFF_BASE_SECONDS", 60),
        "OUTBOX_BACKOFF_MAX_SECONDS": env_int(env, "OUTBOX_BACKOFF_MAX_SECONDS", 6 * 3600),
        "OUTBOX_POLL_SECONDS": env_positive(env, "OUTBOX_POLL_SECONDS", 2.0),
        "CONFIRMATION_EXPIRY_HOURS": env_int(env, "CONFIRMATION_EXPIRY_HOURS", 72),
        # The "did they reply?" survey: days after an office's letter went, then the reminder.
        "REPLY_SURVEY_DAYS": env_int(env, "REPLY_SURVEY_DAYS", 21),
        "REPLY_SURVEY_REMINDER_DAYS": env_int(env, "REPLY_SURVEY_REMINDER_DAYS", 7),
        "CWC_API_KEY": env_str(env, "CWC_API_KEY", ""),
        "CWC_URL": env_str(env, "CWC_URL", "https://test-cwc.house.gov").rstrip("/"),
        "CWC_DELIVERY_AGENT": env_str(env, "CWC_DELIVERY_AGENT", ""),
        "CWC_ACK_EMAIL": env_str(env, "CWC_ACK_EMAIL", ""),
        "CWC_CONTACT_NAME": env_str(env, "CWC_CONTACT_NAME", ""),
        "CWC_CONTACT_EMAIL": env_str(env, "CWC_CONTACT_EMAIL", ""),
        "CWC_CONTACT_PHONE": env_str(env, "CWC_CONTACT_PHONE", ""),
        "CWC_ORGANIZATION": env_str(env, "CWC_ORGANIZATION", ""),
        "CWC_ORGANIZATION_ABOUT": env_str(env, "CWC_ORGANIZATION_ABOUT", ""),
        # Both CWC systems accept only allow-listed IPs: a proxy with a fixed address helps.
        "CWC_PROXY_URL": env_str(env, "CWC_PROXY_URL", ""),
        "SENATE_CWC_API_KEY": env_str(env, "SENATE_CWC_API_KEY", ""),
        "SENATE_CWC_URL": env_str(env, "SENATE_CWC_URL", "https://soapbox.senate.gov").rstrip("/"),
        "SENATE_CWC_DELIVERY_AGENT": env_str(env, "SENATE_CWC_DELIVERY_AGENT", ""),
        "SENATE_CWC_ACK_EMAIL": env_str(env, "SENATE_CWC_ACK_EMAIL", ""),
        "SENATE_CWC_CONTACT_NAME": env_str(env, "SENATE_CWC_CONTACT_NAME", ""),
        "SENATE_CWC_CONTACT_EMAIL": env_str(env, "SENATE_CWC_CONTACT_EMAIL", ""),
        "SENATE_CWC_CONTACT_PHONE": env_str(env, "SENATE_CWC_CONTACT_PHONE", ""),
        "SENATE_CWC_OFFICES": env_str(env, "SENATE_CWC_OFFICES", ""),
        "POST_API_URL": env_str(env, "POST_API_URL", "https://api.lob.com").rstrip("/"),
        "POST_API_KEY": env_str(env, "POST_API_KEY", ""),
        "POST_WEBHOOK_SECRET": env_str(env, "POST_WEBHOOK_SECRET", ""),
        "POST_FROM_NAME": env_str(env, "POST_FROM_NAME", ""),
        "POST_FROM_LINE1": env_str(env, "POST_FROM_LINE1", ""),
        "POST_FROM_LINE2": env_str(env, "POST_FROM_LINE2", ""),
        "POST_FROM_CITY": env_str(env, "POST_FROM_CITY", ""),
        "POST_FROM_STATE": env_str(env, "POST_FROM_STATE", ""),
        "POST_FROM_ZIP": env_str(env, "POST_FROM_ZIP", ""),
        "POST_DAILY_LIMIT": env_int(env, "POST_DAILY_LIMIT", 0),
        "POST_TOTAL_LIMIT": env_int(env, "POST_TOTAL_LIMIT", 0),
        "POST_PRICE_CENTS": env_int(env, "POST_PRICE_CENTS", 0),
        "POST_EXTRA_PAGE_CENTS": env_int(env, "POST_EXTRA_PAGE_CENTS", 0),
        "POST_MAX_PAGES": env_int(env, "POST_MAX_PAGES", 60),
        "POST_ADDRESS_RECHECK_DAYS": env_int(env, "POST_ADDRESS_RECHECK_DAYS", 30),
    }


def _civic_settings(env: Mapping[str, str]) -> dict[str, Any]:
    return {
        "CENSUS_GEOCODER_URL": env_str(
            env, "CENSUS_GEOCODER_URL", "https://geocoding.geo.census.gov/geocoder"
        ).rstrip("/"),
        "CENSUS_BENCHMARK": env_str(env, "CENSUS_BENCHMARK", "Public_AR_Current"),
        # Overrides only: the vintage and layers of each Congress live in webapp/civic/congress.py
        # and follow the seated Congress. "120=ACS2026_Current" overrides one Congress.
        "CENSUS_VINTAGE": env_str(env, "CENSUS_VINTAGE", ""),
        "CENSUS_LAYERS": env_str(env, "CENSUS_LAYERS", ""),
        # 0: the seated Congress follows the date (3 January of odd years) and the data.
        "CIVIC_CONGRESS": env_int(env, "CIVIC_CONGRESS", 0),
        # Empty: the shipped list of states redrawn for the next Congress (civic/congress.py).
        "CIVIC_REDISTRICTED_STATES": env_str(env, "CIVIC_REDISTRICTED_STATES", ""),
        "CIVIC_CONNECT_TIMEOUT_SECONDS": env_positive(env, "CIVIC_CONNECT_TIMEOUT_SECONDS", 3.0),
        "CIVIC_READ_TIMEOUT_SECONDS": env_positive(env, "CIVIC_READ_TIMEOUT_SECONDS", 8.0),
        "CIVIC_CACHE_TTL_SECONDS": env_int(env, "CIVIC_CACHE_TTL_SECONDS", 30 * 24 * 3600),
        # A whole lookup (geocoder, retry, Open States) waits this long at most, far below the
        # worker timeout: a hung Census service must not pin a worker for 8 s per step.
        "CIVIC_LOOKUP_BUDGET_SECONDS": env_positive(env, "CIVIC_LOOKUP_BUDGET_SECONDS", 3.0),
        "CIVIC_FALLBACK_TTL_SECONDS": env_int(env, "CIVIC_FALLBACK_TTL_SECONDS", 900),
        "CIVIC_BREAKER_FAILURES": env_int(env, "CIVIC_BREAKER_FAILURES", 3),
        "CIVIC_BREAKER_COOLDOWN_SECONDS": env_seconds(env, "CIVIC_BREAKER_COOLDOWN_SECONDS", 60.0),
        "CIVIC_SYNC_ON_START": env_bool(env, "CIVIC_SYNC_ON_START", True),
        # The delivery worker syncs the roster at start and then this often (0: never).
        "CIVIC_SYNC_INTERVAL_HOURS": env_seconds(
            env, "CIVIC_SYNC_INTERVAL_HOURS", 24.0, unit="hours"
        ),
        "LEGISLATORS_URL": env_str(
            env,
            "LEGISLATORS_URL",
            "https://unitedstates.github.io/congress-legislators/legislators-current.json",
        ),
        "LEGISLATORS_OFFICES_URL": env_str(
            env,
            "LEGISLATORS_OFFICES_URL",
            "https://unitedstates.github.io/congress-legislators/legislators-district-offices.json",
        ),
        "ZIP_DISTRICTS_URL": env_str(
            env,
            "ZIP_DISTRICTS_URL",
            "https://raw.githubusercontent.com/OpenSourceActivismTech/us-zipcodes-congress/"
            "master/zccd.csv",
        ),
        # The Congress whose districts ZIP_DISTRICTS_URL describes (`sync-zips --congress`).
        "ZIP_DISTRICTS_CONGRESS": env_int(env, "ZIP_DISTRICTS_CONGRESS", 119),
        "OPENSTATES_URL": env_str(env, "OPENSTATES_URL", "https://v3.openstates.org").rstrip("/"),
        "OPENSTATES_API_KEY": env_str(env, "OPENSTATES_API_KEY", ""),
        "OPENSTATES_CACHE_TTL_SECONDS": env_int(env, "OPENSTATES_CACHE_TTL_SECONDS", 7 * 24 * 3600),
    }
