"""Django settings for Anchordesk, read from environment variables.

The defaults give the embedded mode: SQLite in ./var, Huey on SQLite, mail to the
console. Set DATABASE_URL, REDIS_URL and EMAIL_URL-style variables for production.
"""

from __future__ import annotations

from base64 import urlsafe_b64decode as _b64decode
from binascii import Error as _B64Error
from pathlib import Path

import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured

from anchordesk.env import database_from_url, env_bool, env_int, env_list, env_str
from anchordesk.sso.claims import parse_team_groups as _parse_team_groups

# Django's generic classes (ModelAdmin[Model], ModelForm[Model], ...) subscriptable at run time,
# as the type checker sees them: the admin and form classes name their model in their bases.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(env_str("ANCHORDESK_DATA_DIR", str(BASE_DIR.parent / "var"))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)
_DEV_KEY = "insecure-embedded-mode-key-change-me-0123456789abcdef"
SECRET_KEY = env_str("SECRET_KEY", _DEV_KEY if DEBUG or env_bool("ANCHORDESK_EMBEDDED", True) else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when ANCHORDESK_EMBEDDED=0")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "js_lib_htmx",
    "huey.contrib.djhuey",
    "anchordesk.core",
    "anchordesk.accounts",
    "anchordesk.tickets",
    "anchordesk.portal",
    "anchordesk.integrations",
    "anchordesk.mail",
    "anchordesk.automation",
    "anchordesk.recovery",
    "anchordesk.sla",
    "anchordesk.policies",
    "anchordesk.collab",
    "anchordesk.wellbeing",
    "anchordesk.insights",
    "anchordesk.sso",
    "anchordesk.people",
    "anchordesk.kb",  # the knowledge base and help center (docs/knowledge-base.md)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "anchordesk.core.access.NotAllowedMiddleware",  # one answer to a refusal: docs/access.md
    "anchordesk.core.middleware.ContentSecurityPolicyMiddleware",
    "anchordesk.ops.metrics.RequestMetricsMiddleware",
]

ROOT_URLCONF = "anchordesk.urls"
WSGI_APPLICATION = "anchordesk.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "anchordesk.core.context_processors.site",
            ],
        },
    }
]

DATABASES = {
    "default": database_from_url(env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'anchordesk.sqlite3'}"))
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "anchordesk.accounts.backends.EmailOrUsernameBackend",
    "anchordesk.sso.backends.OidcBackend",  # sessions opened by single sign-on (anchordesk/sso)
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "inbox"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if env_bool("ANCHORDESK_FAST_HASHER", False):  # test suites only: Argon2 is slow on purpose
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_RATE_LIMIT = env_int("LOGIN_RATE_LIMIT", 10)  # failed attempts per window per user+address
LOGIN_RATE_WINDOW = env_int("LOGIN_RATE_WINDOW", 300)  # seconds
# failed attempts per window from one address across all user names (a guesser trying many accounts)
LOGIN_RATE_LIMIT_PER_ADDRESS = env_int("LOGIN_RATE_LIMIT_PER_ADDRESS", 50)
# where the sign-in counts live: "cache" (atomic counters; needs Redis to hold across processes),
# "database" (LoginAttempt rows), or "auto": the cache when it is Redis, else the database
LOGIN_RATE_STORE = env_str("LOGIN_RATE_STORE", "auto")
if LOGIN_RATE_STORE not in ("auto", "cache", "database"):
    raise ImproperlyConfigured(f"LOGIN_RATE_STORE must be auto, cache or database, not {LOGIN_RATE_STORE!r}")

# `anchordesk run`: seconds an idle keep-alive connection stays open, and a request may take.
WEB_KEEPALIVE = env_int("WEB_KEEPALIVE", 75)
WEB_TIMEOUT = env_int("WEB_TIMEOUT", 60)

REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache"),
        }
    }

HUEY_IMMEDIATE = env_bool("HUEY_IMMEDIATE", False)
HUEY: dict[str, object]
if REDIS_URL:
    HUEY = {
        "huey_class": "huey.PriorityRedisHuey",
        "name": env_str("HUEY_NAME", "anchordesk"),
        "url": REDIS_URL,
        "immediate": HUEY_IMMEDIATE,
        "consumer": {"workers": env_int("WORKER_THREADS", 2), "worker_type": "thread"},
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": env_str("HUEY_NAME", "anchordesk"),
        "filename": str(DATA_DIR / "queue.sqlite3"),
        "immediate": HUEY_IMMEDIATE,
        "consumer": {"workers": env_int("WORKER_THREADS", 2), "worker_type": "thread"},
    }

# Periodic jobs hold a lease while they run (anchordesk/core/leases.py, docs/jobs.md): it expires
# this many seconds after its last renewal, so a killed worker blocks a job at most that long.
JOB_LEASE_TTL = env_int("JOB_LEASE_TTL", 20)
JOB_LEASE_MAX_HOLD = env_int("JOB_LEASE_MAX_HOLD", 1800)  # a run stuck longer stops renewing its lease
JOB_LEASE_BACKEND = env_str("JOB_LEASE_BACKEND", "redis" if REDIS_URL else "database")
WORKER_TICK_SECONDS = env_int("WORKER_TICK_SECONDS", 60)  # how often the worker queues periodic jobs
# Promise reminders: scans per minute. The name before issue 14 (COMMITMENT_...) is still read.
PROMISE_SCAN_SECONDS = env_int("PROMISE_SCAN_SECONDS", env_int("COMMITMENT_SCAN_SECONDS", 15))

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("ANCHORDESK_MANIFEST_STATIC", not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"

# Uploads: size and type limits for attachments (portal, agent replies, API).
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
ATTACHMENT_MAX_COUNT = env_int("ATTACHMENT_MAX_COUNT", 10)
ATTACHMENT_ALLOWED_TYPES = env_list(
    "ATTACHMENT_ALLOWED_TYPES",
    [
        "image/png",
        "image/jpeg",
        "image/gif",
        "image/webp",
        "application/pdf",
        "text/plain",
        "text/csv",
        "application/zip",
        "message/rfc822",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/msword",
        "application/vnd.ms-excel",
    ],
)
DATA_UPLOAD_MAX_MEMORY_SIZE = ATTACHMENT_MAX_BYTES * 2
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(DATA_DIR / "outbox"))  # for the file-based backend
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Anchordesk <support@anchordesk.localhost>")

MAIL_REPLY_ADDRESS = env_str("MAIL_REPLY_ADDRESS", "support@anchordesk.localhost")
MAIL_LOOP_LIMIT = env_int(
    "MAIL_LOOP_LIMIT", 20
)  # messages per sender per 10 minutes before we stop listening
MAIL_BATCH_SIZE = env_int("MAIL_BATCH_SIZE", 100)  # inbound messages routed per transaction
# Caps against amplification by one hostile email (docs/email.md):
MAIL_MAX_CC_FOLLOWERS = env_int("MAIL_MAX_CC_FOLLOWERS", 50)  # Cc addresses made followers per email
# People one reply reaches at most: the customer and the earliest followers.
MAIL_MAX_RECIPIENTS = env_int("MAIL_MAX_RECIPIENTS", 50)
OUTBOX_MAX_ATTEMPTS = env_int("OUTBOX_MAX_ATTEMPTS", 8)
# Recipients (To and Cc) of one outgoing email; an email to more people is split into several.
OUTBOUND_MAX_RECIPIENTS = env_int("OUTBOUND_MAX_RECIPIENTS", 50)
if OUTBOUND_MAX_RECIPIENTS < 1:
    raise ImproperlyConfigured(f"OUTBOUND_MAX_RECIPIENTS must be 1 or more, got {OUTBOUND_MAX_RECIPIENTS}")
MAIL_POLL_INTERVAL = env_int("MAIL_POLL_INTERVAL", 60)  # seconds between IMAP polls
# Minutes before a promise is due that its owner is reminded (formerly COMMITMENT_REMIND_BEFORE).
PROMISE_REMIND_BEFORE = env_int("PROMISE_REMIND_BEFORE", env_int("COMMITMENT_REMIND_BEFORE", 120))
PORTAL_LINK_MAX_AGE = env_int("PORTAL_LINK_MAX_AGE", 30 * 60)  # seconds a sign-in link stays valid
PORTAL_LINK_RATE_LIMIT = env_int("PORTAL_LINK_RATE_LIMIT", 5)  # sign-in links per email address per window
PORTAL_LINK_RATE_LIMIT_PER_IP = env_int("PORTAL_LINK_RATE_LIMIT_PER_IP", 20)  # an office shares one address
PORTAL_LINK_RATE_WINDOW = env_int("PORTAL_LINK_RATE_WINDOW", 15 * 60)  # seconds
PRESENCE_TTL = env_int("PRESENCE_TTL", 15)  # seconds an agent counts as viewing a ticket after a ping
METRICS_TOKEN = env_str("METRICS_TOKEN", "")  # when set, /metrics needs "Authorization: Bearer <token>"
WEBHOOK_MAX_ATTEMPTS = env_int("WEBHOOK_MAX_ATTEMPTS", 6)
WEBHOOK_TIMEOUT = env_int("WEBHOOK_TIMEOUT", 10)
# Agent wellbeing: a break is suggested after this many hostile or abusive conversations within the window.
WELLBEING_BREAK_AFTER = env_int("WELLBEING_BREAK_AFTER", 3)
WELLBEING_BREAK_WINDOW = env_int("WELLBEING_BREAK_WINDOW", 120)  # minutes
WELLBEING_BREAK_MINUTES = env_int("WELLBEING_BREAK_MINUTES", 15)  # the break suggested

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "anchordesk.core.logging.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "huey": {"level": "INFO"}},
}

# ---- Single sign-on (OpenID Connect) and SCIM deprovisioning: anchordesk/sso, docs/sso.md ----
# SSO is on when OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET are all set.
OIDC_ISSUER = env_str("OIDC_ISSUER", "").rstrip("/")  # discovery: <issuer>/.well-known/openid-configuration
OIDC_CLIENT_ID = env_str("OIDC_CLIENT_ID", "")
OIDC_CLIENT_SECRET = env_str("OIDC_CLIENT_SECRET", "")
OIDC_SCOPES = env_str("OIDC_SCOPES", "openid email profile")
OIDC_REDIRECT_URI = env_str("OIDC_REDIRECT_URI", "")  # default: <this site>/sso/callback/
OIDC_CREATE_USERS = env_bool("OIDC_CREATE_USERS", True)  # create agents on their first sign-in
OIDC_LINK_BY_EMAIL = env_bool("OIDC_LINK_BY_EMAIL", True)  # link an existing agent by verified email
OIDC_EMAIL_DOMAINS = env_list("OIDC_EMAIL_DOMAINS", [])  # when set, only these addresses may sign in
OIDC_GROUPS_CLAIM = env_str("OIDC_GROUPS_CLAIM", "groups")  # a dotted path reaches nested claims
OIDC_AGENT_GROUPS = env_list("OIDC_AGENT_GROUPS", [])  # none of the three set: no role mapping
OIDC_LEAD_GROUPS = env_list("OIDC_LEAD_GROUPS", [])
OIDC_ADMIN_GROUPS = env_list("OIDC_ADMIN_GROUPS", [])
OIDC_TEAM_GROUPS = env_str("OIDC_TEAM_GROUPS", "")  # "group=Team name, other-group=Other team"
SCIM_TOKEN = env_str("SCIM_TOKEN", "")  # bearer token for /scim/v2/; empty: SCIM off
_parse_team_groups(OIDC_TEAM_GROUPS)  # a typo fails at start-up, not at someone's sign-in

# People: invitations and two-factor sign-in (docs/signing-in.md).
INVITATION_TTL_HOURS = env_int("INVITATION_TTL_HOURS", 72)  # hours an emailed invitation link stays valid
if INVITATION_TTL_HOURS < 1:
    raise ImproperlyConfigured(f"INVITATION_TTL_HOURS must be 1 or more, got {INVITATION_TTL_HOURS}")
TWO_FACTOR_ISSUER = env_str("TWO_FACTOR_ISSUER", "Anchordesk")  # the name authenticator apps show
# Someone in a role that must use two-factor and has no authenticator yet reaches only the enrolment page.
MIDDLEWARE = [*MIDDLEWARE, "anchordesk.accounts.middleware.TwoFactorEnforcementMiddleware"]

# --- admin center (issue 15): secrets at rest -------------------------------------------------
# Fernet keys, comma-separated: the first encrypts, all decrypt (rotation: docs/admin.md). Unset:
# a key derived from SECRET_KEY is used and `anchordesk check` warns.

ANCHORDESK_ENCRYPTION_KEY = env_list("ANCHORDESK_ENCRYPTION_KEY", [])
for _key in ANCHORDESK_ENCRYPTION_KEY:
    try:
        _raw_key = _b64decode(_key.encode())
    except (_B64Error, ValueError):
        _raw_key = b""
    if len(_raw_key) != 32:
        raise ImproperlyConfigured(
            "ANCHORDESK_ENCRYPTION_KEY must be Fernet keys (32 url-safe base64-encoded bytes) "
            "separated by commas; generate one with "
            "`python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'`"
        )
# The settings hub (/settings/) sits at the top of the layers, like the API.
INSTALLED_APPS += ["anchordesk.admincenter"]
# Operations (/metrics, the background-jobs page) sit at the top too: they read every app.
INSTALLED_APPS += ["anchordesk.ops"]
# The demo (`anchordesk demo`) sits at the top too: it loads data through every app's actions.
INSTALLED_APPS += ["anchordesk.demo"]
# --- end admin center ---------------------------------------------------------------------------
