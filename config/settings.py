"""Settings read from the environment, with defaults that are safe for development.

Production sets DEBUG=0, SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL and HTTPS=1.
"""

import os
import secrets
import warnings
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def development_secret_key() -> str:
    # Kept in a git-ignored file so that sessions survive restarts of `make run`.
    path = BASE_DIR / ".secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY") or development_secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
CSRF_FAILURE_VIEW = "common.views.csrf_failure"

HTTPS = env_bool("HTTPS", False)
if HTTPS:
    SECURE_SSL_REDIRECT = True
    # The proxy's health check asks over plain HTTP on the machine itself.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365))
    # Subdomains and browsers' preload lists only when asked: both are hard to take back.
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    # Left off on purpose unless asked (above): the deploy check's reminders are answered.
    SILENCED_SYSTEM_CHECKS = [
        *([] if SECURE_HSTS_INCLUDE_SUBDOMAINS else ["security.W005"]),
        *([] if SECURE_HSTS_PRELOAD else ["security.W021"]),
    ]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# One policy for the whole site: scripts, styles and images from its own files only, no
# inline script (django-csp). The scanner sets a stricter one of its own, which stands.
# The admin is Django's and keeps its own ways.
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

INSTALLED_APPS = [
    "django.contrib.admin",
    "csp",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "django_tables2",
    "django_tasks",
    "django_tasks_db",
    "common",
    "accounts",
    "teams",
    "jobs",
    "volunteers",
    "hours",
    "shifts",
    "needs",
    "civic",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.RateLimitedMiddleware",
    "accounts.middleware.NoStoreForSignedInMiddleware",
    "csp.middleware.CSPMiddleware",
    "volunteers.middleware.ProfileRequiredMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "accounts.context_processors.display_preferences",
                "accounts.context_processors.notifications",
                "config.navigation.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", 60)),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers queue behind one another instead of failing with "database is locked";
    # IMMEDIATE transactions take the write lock up front, which is what makes
    # capacity checks safe where select_for_update() is a no-op.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Tests use a file too (not shared-cache memory), so that concurrent tests meet
    # the same WAL locking that production does; one file per test process.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / f".test-db-{os.getpid()}.sqlite3")}
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": ("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;"),
    }
if os.environ.get("TEST_DATABASE_NAME"):
    # A test run's child process (the PostgreSQL runs started from the SQLite suite) gets a
    # test database of its own, so that children started at once do not drop each other's.
    DATABASES["default"]["TEST"] = {"NAME": os.environ["TEST_DATABASE_NAME"]}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
# Our own catalogue first: makemessages writes to the first entry. The overrides come after it and
# still beat the catalogues of Django and allauth, whose words they put in our own (locale/GLOSSARY.md).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_overrides"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
# `make run` and the tests serve static files straight from the source folders; a
# deployment (`make serve`) runs collectstatic and sets COLLECTED_STATIC=1 for hashed,
# compressed files. Asked for, not guessed from the folder: files collected once must
# never stand in for the source while someone develops.
STATIC_COLLECTED = env_bool("COLLECTED_STATIC", False)
WHITENOISE_USE_FINDERS = not STATIC_COLLECTED
if not STATIC_COLLECTED:
    warnings.filterwarnings("ignore", message="No directory at: ")
WHITENOISE_MIMETYPES = {".wasm": "application/wasm"}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_COLLECTED
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "volunteers:home"
LOGOUT_REDIRECT_URL = "account_login"

# django-allauth: the mainland mobile number is the login.
# Argon2 first (Django's recommendation; measured here at 121 ms a check against 228 ms for
# PBKDF2's million rounds); the others stay so that older hashes still work, and are
# upgraded to Argon2 at the next sign-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"phone"}
ACCOUNT_SIGNUP_FIELDS = ["phone*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_USER_MODEL_EMAIL_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_PHONE_VERIFICATION_ENABLED = True
ACCOUNT_PHONE_VERIFICATION_SUPPORTS_RESEND = True
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_SESSION_REMEMBER = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_PREVENT_ENUMERATION = True
# Six digits, typed on a phone's number pad (and filled in from the text message).
ALLAUTH_USER_CODE_FORMAT = {"numeric": True, "length": 6, "dashed": False}
ACCOUNT_FORMS = {
    "confirm_login_code": "accounts.forms.ConfirmLoginCodeForm",
    "verify_phone": "accounts.forms.VerifyPhoneForm",
}
# A venue's forty volunteers share one Wi-Fi address: per-address limits are set
# for a crowd, per-phone limits stay tight.
ACCOUNT_RATE_LIMITS = {
    "signup": "60/m/ip",
    "login": "120/m/ip",
    "login_failed": "60/m/ip,5/300s/key",
    "verify_phone": "1/30s/key,60/m/ip",
    "request_login_code": "60/m/ip,3/m/key",
}

# The class that sends text messages (verification codes, later reminders).
SMS_SENDER = os.environ.get("SMS_SENDER", "accounts.sms.LogSmsSender")
# Daily caps on codes (per number, per address) and on all messages of the deployment.
SMS_DAILY_CODES_PER_NUMBER = int(os.environ.get("SMS_DAILY_CODES_PER_NUMBER", "10"))
SMS_DAILY_CODES_PER_ADDRESS = int(os.environ.get("SMS_DAILY_CODES_PER_ADDRESS", "50"))
SMS_DAILY_BUDGET = int(os.environ.get("SMS_DAILY_BUDGET", "5000"))

# A recurring series keeps this many days of future shifts materialised.
SHIFT_SERIES_WINDOW_DAYS = 56

DJANGO_TABLES2_TEMPLATE = "tables/table.html"
DJANGO_TABLES2_PAGE_RANGE = 5

# Uploaded rosters wait here between preview and confirmation.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or BASE_DIR / "media")
# Residents' requests: photos up to this size (re-encoded on upload); how long a dispatched
# request may wait for a volunteer before it goes back to the office (check_need_deadlines).
NEEDS_PHOTO_MAX_BYTES = 5 * 1024 * 1024
NEEDS_TAKE_WITHIN_HOURS = int(os.environ.get("NEEDS_TAKE_WITHIN_HOURS", "24"))
ROSTER_IMPORT_MAX_BYTES = 10 * 1024 * 1024
ROSTER_IMPORT_MAX_UNPACKED_BYTES = 50 * 1024 * 1024
# A roster of more rows than this is checked and imported by a worker, with a progress bar.
ROSTER_IMPORT_JOB_ROWS = int(os.environ.get("ROSTER_IMPORT_JOB_ROWS", "1000"))
# A team with more active members than this prints its QR card sheet through a worker.
CARD_SHEET_JOB_CARDS = int(os.environ.get("CARD_SHEET_JOB_CARDS", "100"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

# Rate limits and SMS caps are counted here, so every worker process must see the same
# counts: the database by default (its table is made by a migration), Redis when given.
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "cache"}}
if REDIS_URL:
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ["REDIS_URL"],
    }
    # Sessions read from Redis, and are written through to the database so that a
    # restarted Redis signs nobody out. Every app server shares both.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Background work (the jobs app): Django's tasks framework through its backport, so the code
# moves to django.tasks unchanged on Django 6. The database backend by default (`make run`
# starts its worker, `manage.py db_worker`); with REDIS_URL, RQ workers on any number of
# machines (`manage.py rqworker default`).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
if os.environ.get("REDIS_URL"):
    INSTALLED_APPS.append("django_rq")
    RQ_QUEUES = {"default": {"URL": os.environ["REDIS_URL"], "DEFAULT_TIMEOUT": 60 * 60}}
    # RQ's own job class would call the task object itself: the backend's runs its function.
    RQ = {"JOB_CLASS": "django_tasks_rq.Job"}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}
# A prepared file is kept this many days, then deleted (manage.py cleanup_jobs).
JOBS_KEEP_DAYS = int(os.environ.get("JOBS_KEEP_DAYS", "7"))
# A running job writes its progress and a heartbeat this often; one whose heartbeat is older
# than JOBS_STALE_SECONDS lost its worker (killed, machine gone) and is marked failed.
JOBS_HEARTBEAT_SECONDS = float(os.environ.get("JOBS_HEARTBEAT_SECONDS", "1.0"))
JOBS_STALE_SECONDS = int(os.environ.get("JOBS_STALE_SECONDS", "120"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
