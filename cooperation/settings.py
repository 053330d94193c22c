"""Settings for the cooperation registry.

One module for every environment: deployments differ only by environment
variables (see README.md, "Configuration").
"""

import datetime
import ipaddress
import os
import re
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool = False) -> bool:
    """Read a yes/no variable; refuse anything that is neither."""
    value = os.environ.get(name)
    if value is None:
        return default
    value = value.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/0, true/false, yes/no.")


def env_list(name: str, default: str = "") -> list[str]:
    """Read a comma-separated list, ignoring blanks."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} must be a whole number.") from error


def env_networks(name: str, default: str = "") -> list:
    """Read a comma-separated list of IP addresses or networks (CIDR)."""
    try:
        return [
            ipaddress.ip_network(item, strict=False)
            for item in env_list(name, default)
            if item
        ]
    except ValueError as error:
        raise ImproperlyConfigured(
            f"{name} must list IP addresses or networks such as 10.0.0.0/8, "
            f"separated by commas: {error}."
        ) from error


DEBUG = env_bool("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off."
        )
    SECRET_KEY = "django-insecure-development-only-key"

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else ""
)

INSTALLED_APPS = [
    # modeltranslation patches the admin, so it comes before it.
    "modeltranslation",
    "cooperation.apps.RegistryAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "django_filters",
    # The read-only JSON API (cooperation/api/) and its OpenAPI description
    # (the documentation page's Swagger UI is vendored under static/vendor/).
    "rest_framework",
    "drf_spectacular",
    "import_export",
    "csp",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_countries",
    "simple_history",
    "cooperation",
    # Sign-in lockout; registers its attempts on the admin (staff unlock there).
    "axes",
    # Two-factor sign-in (cooperation/staff/two_factor.py): authenticator-app codes
    # and recovery codes; superusers remove a member's devices in the admin.
    "django_otp",
    "cooperation.apps.AuthenticatorAppsConfig",
    "cooperation.apps.RecoveryCodesConfig",
]

MIDDLEWARE = [
    # First, so that every log line of a request carries its id.
    "cooperation.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The admin in its user's own language (after the browser's, above).
    "cooperation.middleware.AdminLanguageMiddleware",
    # Knows whether this session's user also gave a second-factor code.
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Records the signed-in user on every history entry.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into its page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cooperation.urls"
WSGI_APPLICATION = "cooperation.wsgi.application"

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
            ],
            # The public pages' template tags ({% load registry %}), kept with
            # the public site rather than in an app-wide templatetags package.
            "libraries": {"registry": "cooperation.public.templatetags"},
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default="postgres:///cooperation", conn_max_age=60, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("DATABASE_URL must point at a PostgreSQL database.")
# A database server that does not answer fails a request after this many
# seconds (the visitor gets the 503 page) instead of the system's TCP timeout,
# minutes long. A stopped server on a reachable machine refuses at once.
DATABASE_CONNECT_TIMEOUT = env_int("DATABASE_CONNECT_TIMEOUT", 3)
if DATABASE_CONNECT_TIMEOUT < 1:
    raise ImproperlyConfigured(
        f"DATABASE_CONNECT_TIMEOUT must be at least 1 (seconds), not "
        f"{DATABASE_CONNECT_TIMEOUT}."
    )
DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
    "connect_timeout", DATABASE_CONNECT_TIMEOUT
)

# Public pages of visitors who are not signed in read from a replica when
# DATABASE_REPLICA_URL is set; everything else uses the primary
# (cooperation/routers.py, which says what replication lag means here).
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "").strip()
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL, conn_max_age=60, conn_health_checks=True
    )
    if DATABASES["replica"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured(
            "DATABASE_REPLICA_URL must point at a PostgreSQL database (a "
            "replica of DATABASE_URL's), not "
            f"{DATABASES['replica']['ENGINE']}."
        )
    DATABASES["replica"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", DATABASE_CONNECT_TIMEOUT
    )
    # Tests run on one database, which the replica then mirrors.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["cooperation.routers.ReplicaRouter"]
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware"),
        "cooperation.routers.ReplicaMiddleware",
    )

AUTH_USER_MODEL = "cooperation.User"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("zh-hans", _("Simplified Chinese")),
    ("nl", _("Dutch")),
    ("fr", _("French")),
]
LOCALE_PATHS = [BASE_DIR / "cooperation" / "locale"]
# Kosovo has no ISO 3166 code yet; the European Commission and the World Bank
# use the user-assigned XK (and XKX), and so do Erasmus lists.
COUNTRIES_OVERRIDE = {"XK": {"name": _("Kosovo"), "alpha3": "XKX"}}
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True

# Translated record texts fall back to the international (English) text.
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Outside debugging, WhiteNoise serves the files collectstatic made: compressed
# and named by their content's hash, so that browsers may keep them for ever
# (WhiteNoise sends a year's max-age for hashed names). This storage refuses
# {% static %} of a file missing from its manifest, so the tests (which
# collect nothing) switch to the plain one (tests/conftest.py).
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Agreement documents (cooperation/storage.py), in DOCUMENT_ROOT.
    "documents": {"BACKEND": "cooperation.storage.DocumentStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# One cache shared by every worker when REDIS_URL is set (Django's own Redis
# backend, keeping its Redis clients: cooperation/caching.py); otherwise each
# process keeps its own in memory, which is right for one process and merely
# less effective for several. Keys start with the database's name, so sites
# on different databases can share one Redis.
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
CACHES = {
    "default": {
        "BACKEND": "cooperation.caching.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": DATABASES["default"]["NAME"],
    }
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

# Whole public pages, as anonymous visitors get them, are kept this long
# (cooperation/caching.py: public_page); 0 turns the page cache off.
PUBLIC_PAGE_CACHE_SECONDS = int(os.environ.get("PUBLIC_PAGE_CACHE_SECONDS", "300"))

MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "var" / "media"))

# Agreement documents: kept apart from MEDIA_ROOT (never served as plain
# files); PDF only, at most this many bytes.
DOCUMENT_ROOT = Path(
    os.environ.get("DJANGO_DOCUMENT_ROOT", BASE_DIR / "var" / "documents")
)
DOCUMENT_MAX_BYTES = env_int("DOCUMENT_MAX_BYTES", 20 * 1024 * 1024)
# Width times height of the largest logo accepted (a 17 KB PNG can hold 144
# megapixels, which decoding would need hundreds of MB of memory for).
LOGO_MAX_PIXELS = env_int("LOGO_MAX_PIXELS", 4000 * 4000)

# Several servers share their uploads through an S3-compatible bucket
# (cooperation/s3storage.py, docs/deploy.md): documents, logos and an admin
# import's file between its steps, each under its own prefix. The bucket is
# private; the app serves logos and, after its permission check, documents.
S3_BUCKET = os.environ.get("DJANGO_S3_BUCKET", "").strip()
if S3_BUCKET:
    _s3_endpoint = os.environ.get("DJANGO_S3_ENDPOINT_URL", "").strip() or None
    _s3_key = os.environ.get("DJANGO_S3_ACCESS_KEY_ID", "").strip() or None
    _s3_secret = os.environ.get("DJANGO_S3_SECRET_ACCESS_KEY", "").strip() or None
    if bool(_s3_key) != bool(_s3_secret):
        raise ImproperlyConfigured(
            "DJANGO_S3_ACCESS_KEY_ID and DJANGO_S3_SECRET_ACCESS_KEY go together: "
            "set both, or neither to use the machine's own credentials "
            "(an instance role, ~/.aws)."
        )
    _s3_options = {
        "bucket_name": S3_BUCKET,
        "endpoint_url": _s3_endpoint,
        "access_key": _s3_key,
        "secret_key": _s3_secret,
        "region_name": os.environ.get("DJANGO_S3_REGION", "").strip() or None,
        "signature_version": "s3v4",
        # MinIO and most other S3-compatible servers want the bucket in the
        # path rather than in the host name.
        "addressing_style": "path" if _s3_endpoint else None,
    }
    STORAGES["default"] = {
        "BACKEND": "cooperation.s3storage.S3MediaStorage",
        "OPTIONS": _s3_options,
    }
    STORAGES["documents"] = {
        "BACKEND": "cooperation.s3storage.S3DocumentStorage",
        "OPTIONS": _s3_options,
    }
    STORAGES["import_export"] = {
        "BACKEND": "cooperation.s3storage.S3ImportStorage",
        "OPTIONS": _s3_options,
    }
    IMPORT_EXPORT_TMP_STORAGE_CLASS = "import_export.tmp_storages.MediaStorage"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "registry@localhost")

LOGIN_URL = "admin:login"

# The public pages allow no inline script or style; map tiles come from
# OpenStreetMap. The admin (Django's own templates) is left out.
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:", "https://tile.openstreetmap.org"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
# The embeddable catalog (/embed/exchanges/, embed.py) alone may be framed:
# by these origins (CSP frame-ancestors sources, comma-separated), any site
# by default.
EMBED_FRAME_ANCESTORS = env_list("EMBED_FRAME_ANCESTORS", "*")

# Interest registrations: how many one address may send, and in how long.
INTEREST_RATE_LIMIT = env_int("INTEREST_RATE_LIMIT", 5)
INTEREST_RATE_WINDOW_MINUTES = env_int("INTEREST_RATE_WINDOW_MINUTES", 60)

# Expiry reminders: days before expiry (send_agreement_reminders).
AGREEMENT_REMINDER_DAYS = [
    int(days) for days in env_list("AGREEMENT_REMINDER_DAYS", "180,90,30,7")
]
# The month an academic year starts in: an agreement's places per year are
# counted against the exchanges starting in each one (Agreement.places_usage).
ACADEMIC_YEAR_START_MONTH = env_int("ACADEMIC_YEAR_START_MONTH", 9)
if not 1 <= ACADEMIC_YEAR_START_MONTH <= 12:
    raise ImproperlyConfigured(
        "ACADEMIC_YEAR_START_MONTH must be a month number from 1 to 12."
    )
# Interest registrations are deleted after this many months (purge_interests).
INTEREST_RETENTION_MONTHS = env_int("INTEREST_RETENTION_MONTHS", 12)

SITE_NAME = os.environ.get("SITE_NAME", "Cooperation registry")
# The public address, for links in e-mails (no trailing slash). In
# development it follows the port that `make run PORT=...` serves on.
SITE_URL = os.environ.get(
    "SITE_URL", f"http://127.0.0.1:{env_int('PORT', 8000)}"
).rstrip("/")
MANAGERS = [("Registry", os.environ.get("DJANGO_MANAGER_EMAIL", "registry@localhost"))]

SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG

# HTTPS behind a reverse proxy (README, "Production"). The proxy ends TLS and
# says so in X-Forwarded-Proto; believing it is safe only because gunicorn
# listens on 127.0.0.1 (gunicorn.conf.py) and the proxy overwrites the header.
BEHIND_TLS_PROXY = env_bool("DJANGO_BEHIND_TLS_PROXY")
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
# Only needed when the browser's address differs from the Host the proxy
# passes on (e.g. "https://registry.example.org").
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SSL_REDIRECT")
# Health probes (health.py) often ask over plain HTTP from the machine itself.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0)
if SECURE_HSTS_SECONDS < 0:
    raise ImproperlyConfigured(
        f"DJANGO_HSTS_SECONDS must be 0 (off) or more, not {SECURE_HSTS_SECONDS}."
    )
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD")
# Proxies whose X-Forwarded-For is believed (cooperation/security.py:
# client_address); a proxy on this machine by default behind a TLS proxy.
TRUSTED_PROXIES = env_networks(
    "DJANGO_TRUSTED_PROXIES", "127.0.0.1,::1" if BEHIND_TLS_PROXY else ""
)

# A staff session ends after this long without a request (each request
# starts the time again).
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 2 * 60 * 60)
if SESSION_COOKIE_AGE < 60:
    raise ImproperlyConfigured(
        f"SESSION_IDLE_SECONDS must be at least 60, not {SESSION_COOKIE_AGE}."
    )
SESSION_SAVE_EVERY_REQUEST = True

# Sign-in lockout (django-axes): this many wrong passwords for one user name
# from one address lock that pair out for the cool-off time; a right password
# clears the count. Staff unlock early by deleting the access attempts.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
if AXES_FAILURE_LIMIT < 1 or AXES_COOLOFF_TIME <= datetime.timedelta(0):
    raise ImproperlyConfigured(
        "AXES_FAILURE_LIMIT and AXES_COOLOFF_MINUTES must be at least 1, not "
        f"{AXES_FAILURE_LIMIT} and {AXES_COOLOFF_TIME.total_seconds() // 60:.0f}."
    )
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "cooperation.security.client_address"
AXES_USERNAME_CALLABLE = "cooperation.security.sign_in_username"
AXES_LOCKOUT_CALLABLE = "cooperation.security.lockout_response"

# Two-factor sign-in (cooperation/staff/two_factor.py): staff with an authenticator
# app give its code after the password; when required, staff without one set
# it up before any other admin page. Wrong codes make each next try wait
# twice as long (django-otp's throttling, on by default).
STAFF_REQUIRE_TWO_FACTOR = env_bool("DJANGO_STAFF_REQUIRE_TWO_FACTOR")
OTP_TOTP_ISSUER = SITE_NAME
# Superusers see members' devices in the admin, never their secrets or codes.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# One JSON object a line with the request's id (cooperation/logs.py), or the
# plain text of development.
LOG_FORMAT = os.environ.get("DJANGO_LOG_FORMAT", "text" if DEBUG else "json")
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured(
        f"DJANGO_LOG_FORMAT must be json or text, not {LOG_FORMAT!r}."
    )
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "cooperation.logs.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "cooperation.logs.JsonFormatter"},
        "text": {
            "()": "cooperation.logs.TextFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# The read-only JSON API (cooperation/api/; its views set the rest: anyone may
# read, JSON only, throttled per client address).
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "cooperation.api.errors.exception_handler",
    "URL_FORMAT_OVERRIDE": None,
}
# Requests one client address may make to the API, e.g. "600/hour" (per
# second, minute, hour or day); "off": no limit.
_api_rate = os.environ.get("API_RATE", "600/hour").strip()
if _api_rate != "off" and not re.fullmatch(
    r"[1-9][0-9]*/(second|minute|hour|day)", _api_rate
):
    raise ImproperlyConfigured(
        f"API_RATE must be a number of requests per second, minute, hour or day, "
        f"such as 600/hour, or off; not {_api_rate!r}."
    )
API_RATE: str | None = None if _api_rate == "off" else _api_rate
SPECTACULAR_SETTINGS = {
    "TITLE": "Cooperation registry API",
    "DESCRIPTION": (
        "The registry's public data, read-only: exchanges, institutions, "
        "agreements and fields of education, with the public catalogs' "
        "filters, search and sort orders. Pages follow cursors (the next and "
        "previous links). Each answer has an ETag: send it back as "
        "If-None-Match for a 304 while nothing changed. Anonymous, limited per "
        "client address (429 with Retry-After above the limit)."
    ),
    "VERSION": "1",
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        # An empty query parameter is an absent one (allowEmptyValue).
        "cooperation.api.schema.empty_query_parameters_are_absent",
    ],
    "ENUM_NAME_OVERRIDES": {
        "ExchangeKindEnum": "cooperation.models.ExchangeKind",
        "ExchangeStateEnum": "cooperation.models.Exchange.State",
        "ExchangeModeEnum": "cooperation.models.Exchange.Mode",
        "InstitutionKindEnum": "cooperation.models.Institution.Kind",
        "InstitutionLevelEnum": "cooperation.models.Institution.Level",
        "AgreementStateEnum": "cooperation.api.serializers.PUBLIC_AGREEMENT_STATES",
        "AgreementKindEnum": "cooperation.models.Agreement.Kind",
        "FieldLevelEnum": "cooperation.models.FieldOfEducation.Level",
        "DocumentKindEnum": "cooperation.models.AgreementDocument.Kind",
    },
}
# The licence of the public data (the "Open data" page and the API's root).
DATA_LICENCE_NAME = os.environ.get("DATA_LICENCE_NAME", "CC BY 4.0")
DATA_LICENCE_URL = os.environ.get(
    "DATA_LICENCE_URL", "https://creativecommons.org/licenses/by/4.0/"
)
