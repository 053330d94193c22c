"""Settings for the cooperation registry.

One module for every environment: deployments differ only by environment
variables (see README.md, "Configuration").
"""

import datetime
import ipaddress
import os
from pathlib import Path

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
    SECRET_KEY = "django-insecure-development-only-key"  # noqa: S105

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
    "import_export",
    "csp",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_countries",
    "simple_history",
    "cooperation",
    # Sign-in lockout; registers its attempts on the admin (staff unlock there).
    "axes",
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
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# One cache shared by every worker when REDIS_URL is set (Django's own Redis
# backend); otherwise each process keeps its own in memory, which is right for
# one process and merely less effective for several. Keys start with the
# database's name, so sites on different databases can share one Redis.
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
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

# Interest registrations: how many one address may send, and in how long.
INTEREST_RATE_LIMIT = env_int("INTEREST_RATE_LIMIT", 5)
INTEREST_RATE_WINDOW_MINUTES = env_int("INTEREST_RATE_WINDOW_MINUTES", 60)

# Expiry reminders: days before expiry (send_agreement_reminders).
AGREEMENT_REMINDER_DAYS = [
    int(days) for days in env_list("AGREEMENT_REMINDER_DAYS", "180,90,30,7")
]
# Interest registrations are deleted after this many months (purge_interests).
INTEREST_RETENTION_MONTHS = env_int("INTEREST_RETENTION_MONTHS", 12)

SITE_NAME = os.environ.get("SITE_NAME", "Cooperation registry")
# The public address, for links in e-mails (no trailing slash).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
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
AXES_LOCKOUT_CALLABLE = "cooperation.security.lockout_response"

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
