"""Flask extensions, created bare here and bound to the app in the factory with init_app."""

from __future__ import annotations

from flask_login import LoginManager
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect

from webapp.antiabuse.rate_limits import RateLimits
from webapp.catalogue import KeptCatalogueBabel

csrf = CSRFProtect()
migrate = Migrate()
babel = KeptCatalogueBabel()
# Limits are declared per route; each app's counters live where RATELIMIT_STORAGE_URI says.
limiter = RateLimits()
login_manager = LoginManager()
login_manager.login_view = "dashboard.login"
# A session cookie replayed from another browser or address is refused.
login_manager.session_protection = "strong"
