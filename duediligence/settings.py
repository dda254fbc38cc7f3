"""Settings for DueDiligence, read from the environment (see .env.example).

With nothing configured the app runs locally on SQLite with an embedded
Celery broker. ``DJANGO_ENV=production`` switches on the hardened settings and
refuses to start without a secret key and allowed hosts.
"""

import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from .env import env_bool, env_choice, env_int, env_list, env_str, env_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("DD_VAR_DIR", str(BASE_DIR / "var")))

DJANGO_ENV = env_choice("DJANGO_ENV", ("development", "production", "test"), "development")
PRODUCTION = DJANGO_ENV == "production"
DEBUG = env_bool("DJANGO_DEBUG", False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DJANGO_DEBUG must be off when DJANGO_ENV=production.")


def _development_secret_key() -> str:
    """A random key kept in var/ so sessions survive restarts of `make run`."""
    path = VAR_DIR / "dev-secret-key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = env_str("SECRET_KEY")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if PRODUCTION:
    if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set to a random value of at least 50 characters "
            "when DJANGO_ENV=production."
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "ALLOWED_HOSTS must list the host names the app is served under "
            "when DJANGO_ENV=production (comma separated)."
        )
else:
    SECRET_KEY = SECRET_KEY or _development_secret_key()
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]", "testserver"]
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
CSRF_FAILURE_VIEW = "duediligence.errors.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "auditlog",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "mozilla_django_oidc",
    "core",
    "accounts",
    "vendors",
    "questionnaires",
    "assessments",
    "incidents",
    "reports",
    "audit",
    "dashboard",
    "portal",
    "api",
    "notifications",
    # Last: its ready() imports every app's tasks.py, so the web process knows them too.
    "duediligence.apps.DueDiligenceConfig",
]

MIDDLEWARE = [
    "duediligence.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Django's, but background polls (the notification bell) do not renew the idle timeout.
    "duediligence.middleware.IdleSessionMiddleware",
    "duediligence.middleware.JapaneseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Portal pages send no referrer, so their POSTs carry `Origin: null` (see there).
    "portal.middleware.PortalOriginMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "duediligence.middleware.PrivatePagesMiddleware",
    "duediligence.middleware.RefusalLogMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "duediligence.middleware.AuditlogMiddleware",
    # After the audit context: portal requests are audited as the vendor contact.
    "portal.middleware.PortalMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns lockouts into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "duediligence.urls"
WSGI_APPLICATION = "duediligence.wsgi.application"
ASGI_APPLICATION = "duediligence.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.navigation",
            ],
        },
    },
]

# Database: SQLite in var/ unless DATABASE_URL names another (PostgreSQL in production).
DATABASE_URL = (
    env_url("DATABASE_URL", schemes=("postgres", "postgresql", "sqlite", "postgis"))
    or f"sqlite:///{VAR_DIR / 'db.sqlite3'}"
)
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    VAR_DIR.mkdir(parents=True, exist_ok=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First, so that a locked-out user name and address is refused before any password check.
    "axes.backends.AxesStandaloneBackend",
    # Password login, which LOCAL_LOGIN_ENABLED=0 limits to the break-glass admins.
    "accounts.sso.LocalPasswordBackend",
    # The organisation's OpenID Connect provider (when OIDC_ISSUER is set).
    "accounts.sso.OrganisationBackend",
]
# Login protection (django-axes): 5 failures per user name *and* address lock for 15 minutes.
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Trusted reverse proxies in front of the app; core.client_address decides the
# client's address from it for the lockout, the audit log, access events and the request log.
PROXY_COUNT = env_int("PROXY_COUNT", 0, minimum=0)
AXES_CLIENT_IP_CALLABLE = "core.client_address.client_address"
# Two-factor authentication (TOTP, django-otp): optional for everyone; this makes it
# mandatory for managers and admins.
OTP_REQUIRED_FOR_PRIVILEGED = env_bool("OTP_REQUIRED_FOR_PRIVILEGED", False)
# `make load` only: serves /load/bare/, the smallest Django view, to compare against.
LOAD_TEST_BARE_VIEW = env_bool("LOAD_TEST_BARE_VIEW", False)
OTP_TOTP_ISSUER = "DueDiligence"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 30, minimum=1) * 60
SESSION_SAVE_EVERY_REQUEST = True  # the age above is an idle timeout, not a fixed lifetime

# Password reset by e-mail: requests per client address and per e-mail address within
# the window; the link in the message is valid this long.
PASSWORD_RESET_LIMIT = env_int("PASSWORD_RESET_LIMIT", 5, minimum=1)
PASSWORD_RESET_WINDOW_MINUTES = env_int("PASSWORD_RESET_WINDOW_MINUTES", 15, minimum=1)
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_LINK_HOURS", 2, minimum=1) * 3600

# E-mail: Django's SMTP backend when EMAIL_HOST is set; otherwise each message is written
# to var/mail/ as an .eml file (what `make run` does), so nothing is sent by accident.
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 10  # seconds: a stuck mail server must not hold a request for long
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "DueDiligence <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "duediligence.mail.EmlFileBackend"
)

# Internationalisation: Japanese first, English complete.
LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("Japanese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

# Static files from our own tree (Bootstrap comes from its npm package, see static/vendor).
STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]

# Uploaded evidence and rendered reports: private storage with no public URL.
# Files are served only through views that check access.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGE_BACKEND = env_choice("STORAGE_BACKEND", ("filesystem", "s3"), "filesystem")
if STORAGE_BACKEND == "s3":
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("S3_BUCKET"),
            "endpoint_url": env_str("S3_ENDPOINT_URL") or None,
            "region_name": env_str("S3_REGION") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    _default_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT, "base_url": None},
    }
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_MB", 10, minimum=1) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# Celery: Redis when REDIS_URL is set, otherwise kombu's filesystem transport so that
# `make run` has a real worker without any external service.
REDIS_URL = env_url("REDIS_URL", schemes=("redis", "rediss"))
CELERY_DIR = VAR_DIR / "celery"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_RESULT_BACKEND = f"file://{CELERY_DIR / 'results'}"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_DIR / "queue"),
        "data_folder_out": str(CELERY_DIR / "queue"),
        "control_folder": str(CELERY_DIR / "control"),
        "store_processed": False,
    }
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = 24 * 3600
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE

# PDF reports: a render past the soft limit is failed cleanly, past the hard limit the
# worker process is killed; the beat task below re-queues or fails what was left behind.
REPORT_SOFT_TIME_LIMIT = env_int("REPORT_SOFT_TIME_LIMIT", 120, minimum=1)
REPORT_HARD_TIME_LIMIT = env_int("REPORT_HARD_TIME_LIMIT", 150, minimum=2)
# A rendering worker renews its claim every REPORT_HEARTBEAT_SECONDS; a claim not
# renewed for REPORT_LEASE_SECONDS belongs to a dead worker and is taken over.
REPORT_HEARTBEAT_SECONDS = env_int("REPORT_HEARTBEAT_SECONDS", 2, minimum=1)
REPORT_LEASE_SECONDS = env_int("REPORT_LEASE_SECONDS", 8, minimum=2)
if REPORT_LEASE_SECONDS <= 2 * REPORT_HEARTBEAT_SECONDS:
    raise ImproperlyConfigured("REPORT_LEASE_SECONDS must exceed two heartbeats.")
if REPORT_HARD_TIME_LIMIT <= REPORT_SOFT_TIME_LIMIT:
    raise ImproperlyConfigured("REPORT_HARD_TIME_LIMIT must be longer than REPORT_SOFT_TIME_LIMIT.")
# The organisation that issues the reports: its name on every PDF's cover and sign-off
# block (in English reports the English name when set), and its logo, a PNG, JPEG or SVG
# file on the server (read when a report is rendered; empty: no logo).
REPORT_ISSUER_NAME = env_str("REPORT_ISSUER_NAME", "")
REPORT_ISSUER_NAME_EN = env_str("REPORT_ISSUER_NAME_EN", "")
REPORT_ISSUER_LOGO = env_str("REPORT_ISSUER_LOGO", "")
if REPORT_ISSUER_LOGO and Path(REPORT_ISSUER_LOGO).suffix.lower() not in (
    ".png",
    ".jpg",
    ".jpeg",
    ".svg",
):
    raise ImproperlyConfigured("REPORT_ISSUER_LOGO must be a .png, .jpg or .svg file.")
CELERY_BEAT_SCHEDULE = {
    # Often, and cheap (an indexed look at reports left rendering): a report whose
    # worker died is rendered again soon after its lease, kept alive by a heartbeat, ends.
    "reports-sweep": {"task": "reports.sweep_reports", "schedule": 5.0},
    "retention-purge": {"task": "vendors.purge_offboarded", "schedule": 24 * 3600.0},
    # Reminders and digests at 08:00 Japan time (CELERY_TIMEZONE); the sweep sends what
    # a lost task message or a refused SMTP connection left pending.
    "notifications-daily": {
        "task": "notifications.send_reminders",
        "schedule": crontab(hour=8, minute=0),
    },
    "notifications-sweep": {"task": "notifications.sweep", "schedule": 60.0},
}

# A cache every process shares (web and Celery workers), so that a write anywhere
# invalidates the dashboard everywhere: Redis when REDIS_URL is set, else files in var/.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "dd",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }
# How long the dashboard's figures may be served from the cache (writes invalidate
# them at once; this only bounds a missed invalidation). 0 counts on every request.
DASHBOARD_CACHE_SECONDS = env_int("DASHBOARD_CACHE_SECONDS", 300, minimum=0)

# Vendor portal: links expire after PORTAL_LINK_DAYS; the e-mailed code after
# PORTAL_CODE_MINUTES or PORTAL_CODE_TRIES wrong tries; a portal session ends after
# PORTAL_SESSION_MINUTES idle. Guessing is limited per address and per invitation.
# Links in e-mails point here, never at the Host header of the request that sent them.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
PORTAL_LINK_DAYS = env_int("PORTAL_LINK_DAYS", 14, minimum=1)
PORTAL_CODE_MINUTES = env_int("PORTAL_CODE_MINUTES", 10, minimum=1)
PORTAL_CODE_TRIES = env_int("PORTAL_CODE_TRIES", 5, minimum=1)
PORTAL_SESSION_MINUTES = env_int("PORTAL_SESSION_MINUTES", 60, minimum=1)
PORTAL_GUESSES_PER_HOUR = env_int("PORTAL_GUESSES_PER_HOUR", 20, minimum=1)
PORTAL_CODES_PER_HOUR = env_int("PORTAL_CODES_PER_HOUR", 5, minimum=1)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

AUDITLOG_INCLUDE_ALL_MODELS = False
AUDITLOG_DISABLE_REMOTE_ADDR = False

X_FRAME_OPTIONS = "DENY"
# No inline script anywhere: scripts and styles come from our own static files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}
# Offboarded vendors' evidence files and reports are deleted this many days after offboarding.
RETENTION_DAYS_AFTER_OFFBOARDING = env_int("RETENTION_DAYS_AFTER_OFFBOARDING", 365, minimum=1)
ACCESS_REVIEW_IDLE_DAYS = env_int("ACCESS_REVIEW_IDLE_DAYS", 90, minimum=1)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # Load balancers probe the health check over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # Portal links are bearer secrets: every handler prints a short hash prefix instead.
    "filters": {
        "portal_tokens": {"()": "portal.redaction.RedactPortalTokens"},
        "quiet_refusals": {"()": "duediligence.logs.QuietRefusals"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["portal_tokens", "quiet_refusals"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own console handler (with DEBUG on) would print every traceback a
        # second time beside ours; its records reach the root handler above instead.
        "django": {"level": "INFO"},
        # WeasyPrint's progress logger reports every step of every render.
        "weasyprint.progress": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # The request log above (duediligence.requests) names the client behind the
        # proxies; runserver's own line would repeat it with the socket address.
        "django.server": {"level": "WARNING"},
    },
}

STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = not PRODUCTION

# --- REST API, API tokens and webhooks (issue 19) -----------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.ApiTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.TokenScopeAndRole"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.PerTokenThrottle"],
    "DEFAULT_THROTTLE_RATES": {"api_token": env_str("API_THROTTLE_RATE", "600/min")},
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["api.parsers.StrictJSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.problems.problem_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "DueDiligence API",
    "DESCRIPTION": (
        "Vendors, assessments, answers, findings, reports and checklist versions. "
        "Authenticate with a personal API token: `Authorization: Bearer dd_...`. "
        "Errors are RFC 9457 problem details in the language of Accept-Language."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "VendorStatusEnum": "vendors.models.Vendor.Status",
        "AssessmentStatusEnum": "assessments.models.Assessment.Status",
        "FindingStatusEnum": "assessments.models.Finding.Status",
        "ReportStatusEnum": "reports.models.Report.Status",
        "ChecklistVersionStatusEnum": "questionnaires.models.ChecklistVersion.Status",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.add_problem_responses",
    ],
}
# Webhook deliveries: attempts before a delivery is recorded as failed, the timeout of
# one attempt, and whether endpoints on private addresses may be registered at all
# (each such endpoint must still be allowed one by one by an administrator).
WEBHOOK_MAX_ATTEMPTS = env_int("WEBHOOK_MAX_ATTEMPTS", 5, minimum=1)
WEBHOOK_TIMEOUT_SECONDS = env_int("WEBHOOK_TIMEOUT_SECONDS", 10, minimum=1)
WEBHOOK_BACKOFF_SECONDS = env_int("WEBHOOK_BACKOFF_SECONDS", 30, minimum=0)
CELERY_BEAT_SCHEDULE["webhooks-sweep"] = {"task": "api.sweep_webhooks", "schedule": 60.0}
CELERY_BEAT_SCHEDULE["findings-overdue"] = {
    "task": "api.emit_overdue_findings",
    "schedule": 3600.0,
}

# --- Single sign-on with OpenID Connect (issue 19) -----------------------------------
OIDC_ISSUER = env_str("OIDC_ISSUER").rstrip("/")
OIDC_RP_CLIENT_ID = env_str("OIDC_CLIENT_ID")
OIDC_RP_CLIENT_SECRET = env_str("OIDC_CLIENT_SECRET")
OIDC_RP_SIGN_ALGO = env_str("OIDC_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = env_str("OIDC_SCOPES", "openid email profile")
# Endpoints come from the issuer's discovery document unless set here one by one.
OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("OIDC_AUTHORIZATION_ENDPOINT")
OIDC_OP_TOKEN_ENDPOINT = env_str("OIDC_TOKEN_ENDPOINT")
OIDC_OP_USER_ENDPOINT = env_str("OIDC_USERINFO_ENDPOINT")
OIDC_OP_JWKS_ENDPOINT = env_str("OIDC_JWKS_ENDPOINT")
OIDC_USE_PKCE = True
OIDC_TIMEOUT = 10
OIDC_CREATE_USER = True  # our backend decides, with OIDC_CREATE_USERS below
OIDC_CREATE_USERS = env_bool("OIDC_CREATE_USERS", False)
OIDC_LINK_BY_EMAIL = env_bool("OIDC_LINK_BY_EMAIL", True)
# The claim holding the user's groups, and group=role pairs, e.g.
# "dd-admins=admin,dd-managers=manager,dd-staff=procurement_staff". With a map set, a
# login with no mapped group is refused and the mapped role replaces ours at each login.
OIDC_ROLE_CLAIM = env_str("OIDC_ROLE_CLAIM", "groups")
OIDC_ROLE_MAP = {}
for _pair in env_list("OIDC_ROLE_MAP"):
    _group, _sep, _role = _pair.rpartition("=")
    if not _sep or _role not in ("admin", "manager", "procurement_staff"):
        raise ImproperlyConfigured(
            f"OIDC_ROLE_MAP entries are group=role with role admin, manager or "
            f"procurement_staff; got {_pair!r}."
        )
    OIDC_ROLE_MAP[_group] = _role
LOGIN_REDIRECT_URL_FAILURE = "/login/?sso=failed"
# Password login for everyone, or (0) only for the break-glass administrators listed.
LOCAL_LOGIN_ENABLED = env_bool("LOCAL_LOGIN_ENABLED", True)
LOCAL_LOGIN_BREAK_GLASS = env_list("LOCAL_LOGIN_BREAK_GLASS")
