"""civic-letters: the application factory."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from flask import Flask
from sqlalchemy.engine import make_url
from werkzeug.middleware.proxy_fix import ProxyFix

from webapp.antiabuse.limit_store import sqlite_uri
from webapp.campaigns.snapshots import CampaignSnapshots
from webapp.civic.lookup import lookup_from_config
from webapp.compression import init_compression
from webapp.config import PROJECT_ROOT, load_config, unread_env_file_keys
from webapp.config_values import report_config_errors_briefly
from webapp.database import configure_engine, db
from webapp.extensions import babel, csrf, limiter, login_manager, migrate
from webapp.i18n import init_i18n, select_locale
from webapp.log_privacy import install_log_filters, server_addresses
from webapp.pg_waits import yield_slot_while_waiting
from webapp.quiet_request import QuietRequest
from webapp.request_guards import init_request_guards
from webapp.request_slots import init_request_slots
from webapp.sealing import Keyring
from webapp.security import init_security
from webapp.services.counts import PublicStatsCache, TTLCounter
from webapp.services.privacy import derive_key
from webapp.signing import CachedSigningSessions
from webapp.startup_checks import check_for_web, serving_process
from webapp.supporter.page_cache import FormPages


class CivicFlask(Flask):
    """Flask, asking once per function whether it is a coroutine function.

    Flask asks it of every view and hook on every request (`ensure_sync`), a dozen times a
    request through `inspect`, and the answer for a function never changes.
    """

    request_class = QuietRequest

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Weak keys: a callable made for one request (a bound method, an after_this_request
        # closure) leaves with it, and so does whatever it holds of that request.
        self._coroutine: WeakKeyDictionary[Callable[..., Any], bool] = WeakKeyDictionary()

    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        try:
            coroutine = self._coroutine.get(func)
            if coroutine is None:
                # Flask's own answer: it returns a sync function as it is.
                coroutine = self._coroutine[func] = super().ensure_sync(func) is not func
        except TypeError:  # unhashable, or no weak reference to it: asked each time
            return super().ensure_sync(func)
        # A new wrapper each time, as Flask makes: one is not shared between threads.
        return self.async_to_sync(func) if coroutine else func


def _postgres_options(url: str, lock_timeout_ms: int) -> dict[str, str]:
    """A wait for another transaction's lock ends, as SQLite's busy timeout does: the supporter
    is asked to press again (supporter/kept_letter.py) instead of a hung worker. Added to any
    `options` the URL gives (connect_args would replace them: a search_path, a timeout)."""
    given = make_url(url).query.get("options") or ""
    own = f"-c lock_timeout={lock_timeout_ms}" if lock_timeout_ms > 0 else ""
    options = " ".join(
        part for part in (*([given] if isinstance(given, str) else given), own) if part
    )
    return {"options": options} if options else {}


def _engine_options(config: Mapping[str, Any]) -> dict[str, Any]:
    url = str(config["SQLALCHEMY_DATABASE_URI"])
    if url.startswith("sqlite"):
        # Worker threads share the pool; the busy timeout lets writers queue behind each other.
        return {
            # Unbounded: a lookup waiting on an upstream keeps its connection but not its slot
            # (request_slots), and a full pool would leave the slot's holder waiting for
            # connections that only threads without a slot can give back. SQLite's are files.
            "max_overflow": -1,
            # The connection given back last is handed out next: SQLite drops a connection's
            # page cache when another connection has written since it last read, so taking
            # connections in turn (the pool's default) made every request read pages again.
            "pool_use_lifo": True,
            "connect_args": {
                "check_same_thread": False,
                "timeout": config["SQLITE_BUSY_TIMEOUT_MS"] / 1000,
            },
            "hide_parameters": True,
        }
    return {
        # Errors would otherwise quote the statement's values (emails, streets) in the log.
        "hide_parameters": True,
        "connect_args": _postgres_options(url, int(config["POSTGRES_LOCK_TIMEOUT_MS"])),
        "pool_size": config["DB_POOL_SIZE"],
        "max_overflow": config["DB_POOL_SIZE"],
        "pool_pre_ping": True,
    }


def create_app(test_config: Mapping[str, Any] | None = None, *, check: bool = True) -> Flask:
    """Build the app from the environment, or from defaults plus `test_config` in tests.

    Outside tests, a process about to serve pages first checks the database's schema revision
    and that the master key opens its supporters' data keys; `check=False` is for bootstrap,
    which migrates first and checks then.
    """
    report_config_errors_briefly()
    config = load_config(env={"TESTING": "true"} if test_config is not None else None)
    if test_config is not None:
        config.update(test_config)
    app = CivicFlask(
        __name__,
        instance_path=str(config["INSTANCE_PATH"]),
        template_folder=str(PROJECT_ROOT / "templates"),
    )
    app.config.update(config)
    app.session_interface = CachedSigningSessions()
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", _engine_options(app.config))
    logging.basicConfig(
        level=app.config["LOG_LEVEL"], format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    for key in unread_env_file_keys() if test_config is None else []:
        logging.getLogger(__name__).warning(
            ".env sets %s, which is no setting (mistyped? .env.example lists them all): ignored",
            key,
        )
    install_log_filters(
        server_addresses(v for k, v in app.config.items() if k.endswith(("_URL", "_URI")))
    )
    if app.config["TRUST_PROXY_HOPS"]:
        hops = app.config["TRUST_PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    if not app.config["DATA_ENCRYPTION_KEY"] and app.config["TESTING"]:
        # Tests (and the worker processes they start) share SECRET_KEY, so they agree on this.
        app.config["DATA_ENCRYPTION_KEY"] = derive_key(app.config["SECRET_KEY"], "test-data").hex()
    app.extensions["keyring"] = Keyring(
        app.config["DATA_ENCRYPTION_KEY"], [app.config["DATA_ENCRYPTION_PREVIOUS_KEY"]]
    )
    app.config.setdefault(
        "IP_HASH_BYTES",
        app.config["IP_HASH_KEY"].encode() or derive_key(app.config["SECRET_KEY"], "ip-hash"),
    )

    # First, so the body is read and checked before CSRF checks and rate limits read it.
    init_request_guards(app)
    init_request_slots(app)
    db.init_app(app)
    with app.app_context():
        configure_engine(db.engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])
        yield_slot_while_waiting(db.engine)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    # Before the CSRF check and the rate limits: the pages they send back (an expired letter
    # form) are in the language the supporter chose, not the browser's.
    init_i18n(app)
    csrf.init_app(app)
    init_compression(app)
    if not app.config["RATELIMIT_STORAGE_URI"]:
        app.config["RATELIMIT_STORAGE_URI"] = sqlite_uri(
            Path(app.instance_path) / "ratelimits.sqlite3"
        )
    limiter.init_app(app)
    login_manager.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    app.extensions["letter_counts"] = TTLCounter(app.config["COUNT_CACHE_SECONDS"])
    app.extensions["public_stats"] = PublicStatsCache(30)
    app.extensions["form_pages"] = FormPages(app.config["FORM_PAGE_CACHE_SIZE"])
    app.extensions["thanks_pages"] = FormPages(app.config["THANKS_PAGE_CACHE_SIZE"])
    app.extensions["campaign_snapshots"] = CampaignSnapshots(
        recheck_seconds=app.config["CAMPAIGN_RECHECK_SECONDS"]
    )
    app.extensions["civic_lookup"] = lookup_from_config(app.config)

    init_security(app)

    from webapp import models  # noqa: F401  (registers every table for Alembic)
    from webapp.api.views import bp as api_bp
    from webapp.cli import register_cli
    from webapp.dashboard.routes import bp as dashboard_bp
    from webapp.delivery.post_tracking import webhooks_bp
    from webapp.supporter.confirm_views import bp as confirmation_bp
    from webapp.supporter.own_data_views import bp as own_data_bp
    from webapp.supporter.replies import bp as replies_bp
    from webapp.supporter.sent_views import bp as sent_bp
    from webapp.supporter.views import bp as supporter_bp
    from webapp.widget.views import bp as widget_bp

    app.register_blueprint(supporter_bp)
    app.register_blueprint(replies_bp)
    app.register_blueprint(confirmation_bp)
    app.register_blueprint(own_data_bp)
    app.register_blueprint(sent_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(dashboard_bp)
    app.register_blueprint(widget_bp)
    app.register_blueprint(webhooks_bp)
    register_cli(app)
    if check and not app.config["TESTING"] and serving_process():
        check_for_web(app)
    return app
