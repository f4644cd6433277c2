"""Flask extensions, created bare here and bound to the app in the factory with init_app."""

from __future__ import annotations

from flask_babel import Babel
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()
migrate = Migrate()
babel = Babel()
