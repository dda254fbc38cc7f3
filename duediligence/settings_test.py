"""Fast settings for the test suite; the database and broker still come from
DATABASE_URL and REDIS_URL, so CI exercises the real PostgreSQL and Redis."""

import os
import re

os.environ.setdefault("DJANGO_ENV", "test")

# Under pytest-xdist each worker gets its own Redis database (and pytest-django its
# own test database), so one worker's Celery tasks never reach another's worker.
# The workers count up from the URL's own database number, so two checkouts whose
# REDIS_URLs name /0 and /4 can run their suites side by side.
_xdist = os.environ.get("PYTEST_XDIST_WORKER", "")
if _xdist.startswith("gw") and os.environ.get("REDIS_URL"):
    _url = os.environ["REDIS_URL"]
    _base = re.search(r"/(\d+)$", _url)
    _db = (int(_base.group(1)) if _base else 0) + int(_xdist[2:]) + 1
    os.environ["REDIS_URL"] = re.sub(r"/\d+$", f"/{_db}", _url) if _base else f"{_url}/{_db}"

from .settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_TASK_ALWAYS_EAGER = False
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405 - live-server threads must not hold connections
# Notifications are recorded but not handed to a broker; tests send them explicitly.
NOTIFICATIONS_ENQUEUE = False
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# A test database is thrown away: PostgreSQL need not wait for the disk at each commit
# (every migration and every transactional test commits). Nothing else changes.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    _options = DATABASES["default"].setdefault("OPTIONS", {})  # noqa: F405
    _options["options"] = (_options.get("options", "") + " -c synchronous_commit=off").strip()
# Browser tests slow answer saves on purpose (settings.SLOW_SAVES_SECONDS = 0.8) to prove
# that a save in flight never wipes what the user types meanwhile; off everywhere else.
MIDDLEWARE = [*MIDDLEWARE, "tests.slow_server.SlowSavesMiddleware"]  # noqa: F405
SLOW_SAVES_SECONDS = 0
