"""Fast settings for the test suite; the database and broker still come from
DATABASE_URL and REDIS_URL, so CI exercises the real PostgreSQL and Redis."""

import os

os.environ.setdefault("DJANGO_ENV", "test")

from .settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_TASK_ALWAYS_EAGER = False
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405 - live-server threads must not hold connections
