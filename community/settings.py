"""Settings of the community portal, read from the environment.

One file on purpose: every setting a deployment may change is read here with
``env_*`` helpers, and README.md lists them. Development needs none of them;
with ``DEBUG=0`` the settings that production cannot guess are required and a
missing one stops start-up with a single clear line.
"""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("DATA_DIR", BASE_DIR / ".data"))


def env_str(name, default=""):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name, default):
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def fail(message):
    """Stop start-up with one line instead of a traceback deep in a request."""
    raise SystemExit(f"配置错误（configuration error）：{message}")


DEBUG = env_bool("DEBUG", default=True)

# --- Secrets and hosts -------------------------------------------------------
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        fail("SECRET_KEY must be set when DEBUG=0 (a long random string).")
    SECRET_KEY = "dev-only-insecure-key-never-use-in-production-1b9c2f7e"  # noqa: S105 (DEBUG only)
elif not DEBUG and len(SECRET_KEY) < 50:
    fail("SECRET_KEY must be at least 50 characters long.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
if not ALLOWED_HOSTS:
    fail("ALLOWED_HOSTS must list the portal's host names when DEBUG=0, e.g. ALLOWED_HOSTS=shequ.example.cn")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# --- Applications --------------------------------------------------------------
INSTALLED_APPS = [
    "community.admin_site.PortalAdminConfig",  # django.contrib.admin with the portal's menu
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "import_export",
    "django_prose_editor",
    "csp",
    "community",
    "news",
    "volunteers",
    "wishes",
    "whistles",
    "lending",
    "places",
    "party",
    "portal",
]

MIDDLEWARE = [
    # First: a page this process keeps for anonymous visitors is answered before anything else runs
    # (community/pagecopy.py); the response it keeps went through all of the middleware below.
    "community.pagecopy.PageCopyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # ETags on every page, answered with 304 when the browser already has it (cached pages too).
    "django.middleware.http.ConditionalGetMiddleware",
    "community.middleware.PermissionsPolicyMiddleware",
    "community.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # With PAGE_CACHE_HEADER only: says whether who asks was known from this process's copy (community/signedin.py).
    "community.signedin.WhereFromHeaderMiddleware",
    # Signed-in pages are that person's (names, contact details, counts): no shared or browser cache keeps them.
    "community.middleware.PrivatePagesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "community.middleware.StaffSessionTimeoutMiddleware",
    # After authentication and messages, so that it knows who asks; inside the header middleware.
    "community.pagecache.AnonymousPageCacheMiddleware",
    # Inside the page cache's, whose request it shares: the nav's count comes with the page's first cache read.
    "community.contributions.WaitingCountMiddleware",
    # Inside the others, so that its process_exception sees database errors from views.
    "community.middleware.DatabaseOutageMiddleware",
    # Staff with a second factor reach nothing else until they have given it (community/second_factor.py).
    "community.second_factor.SecondFactorMiddleware",
    # Last, so that it sees login attempts after authentication ran.
    "community.login_guard.LoginGuardMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "community.wsgi.application"

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
                "community.context_processors.site",
            ],
        },
    },
]

# --- Database: PostgreSQL only ---------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL")
EMBEDDED_DATABASE = not DATABASE_URL
if not DATABASE_URL:
    if not DEBUG:
        fail(
            "DATABASE_URL must point to the production PostgreSQL when DEBUG=0, e.g. postgres://user:pass@db:5432/community"
        )
    # Development and tests: an embedded PostgreSQL 16 in a git-ignored folder.
    from community.embedded_postgres import embedded_database_url

    DATABASE_URL = embedded_database_url(DATA_DIR / "pg")

import dj_database_url  # noqa: E402


def postgres_database(url, *, variable):
    """One PostgreSQL database from its URL; the primary and a replica connect alike."""
    database = dj_database_url.parse(
        url,
        # Persistent connections, checked before reuse; psycopg's pool is the
        # alternative, and Django refuses both at once.
        conn_max_age=env_int("DB_CONN_MAX_AGE", 300),
        conn_health_checks=True,
    )
    if not database["ENGINE"].endswith("postgresql"):
        fail(f"{variable} must be a PostgreSQL URL (postgres://…); other databases are not supported.")
    # Django's backend, moving page-cache versions in the transaction that changes what pages show.
    database["ENGINE"] = "community.postgres"
    database.setdefault("OPTIONS", {})
    # A database outage must never hang a worker: give up connecting after 2 s.
    database["OPTIONS"].setdefault("connect_timeout", env_int("DB_CONNECT_TIMEOUT", 2))
    # A query that runs longer than this is cancelled rather than tying up a worker.
    database["OPTIONS"].setdefault("options", f"-c statement_timeout={env_int('DB_STATEMENT_TIMEOUT_MS', 30000)}")
    return database


DATABASES = {"default": postgres_database(DATABASE_URL, variable="DATABASE_URL")}

# A streaming replica of the primary, for the reads of GET requests (community/dbrouter.py).
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL")
# A replica further behind than this is left out (its reads go to the primary) until it catches up.
DATABASE_REPLICA_MAX_LAG_SECONDS = env_int("DATABASE_REPLICA_MAX_LAG_SECONDS", 30)
# How often each worker looks at the replica (whether it answers, how far behind it is).
DATABASE_REPLICA_CHECK_SECONDS = env_int("DATABASE_REPLICA_CHECK_SECONDS", 2)
# After the primary failed to answer, a worker with a replica serves read-only from it this long, then tries again.
PRIMARY_RETRY_SECONDS = env_int("PRIMARY_RETRY_SECONDS", 5)
DATABASE_ROUTERS = []
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = postgres_database(DATABASE_REPLICA_URL, variable="DATABASE_REPLICA_URL")
    DATABASE_ROUTERS = ["community.dbrouter.PrimaryReplicaRouter"]
    # Only with a replica: without one, every read is on the primary anyway, and
    # the middleware's cookie after each POST would be noise. Outermost, so that
    # every other middleware's reads are inside its decision.
    MIDDLEWARE.insert(0, "community.dbrouter.ReadReplicaMiddleware")
    # Under test, the replica is the test database itself (no second copy is created).
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# While the database is unreachable, pages ask browsers to retry after this many seconds.
OUTAGE_RETRY_AFTER = env_int("OUTAGE_RETRY_AFTER", 30)

# --- Accounts ----------------------------------------------------------------------
AUTH_USER_MODEL = "community.User"
AUTHENTICATION_BACKENDS = [
    # First, so that an attempt past a limit is refused before any password hash runs.
    "community.login_guard.LoginGuardBackend",
    "community.backends.LoginNameBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "me"
LOGOUT_REDIRECT_URL = "home"
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 3 * 24 * 3600)

# Login protection (community/login_guard.py): failed logins per window of
# LOGIN_LOCKOUT_MINUTES, per account from unknown devices, per known device, and per
# client address (high: a care home signs in from behind one router).
# The client address honours TRUSTED_PROXY_COUNT.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
LOGIN_FAILURE_LIMITS = {
    "account": env_int("LOGIN_FAILURES_PER_ACCOUNT", 5),
    "device": env_int("LOGIN_FAILURES_PER_DEVICE", 10),
    "address": env_int("LOGIN_FAILURES_PER_ADDRESS", 100),
}
LOGIN_LOCKOUT_MINUTES = env_int("LOGIN_LOCKOUT_MINUTES", 15)

# Second factor (django-otp, TOTP with recovery codes) for staff; required for
# accounts that may export personal data (community/second_factor.py).
# The authenticator app names the account after the community (OTP_TOTP_ISSUER, set below COMMUNITY_NAME).

# Abuse limits (community/ratelimit.py): per client (IP) and per account, as
# "count/period" with s, m, h or d; e.g. "10/h", "5/10m".
RATE_LIMITS_ENABLED = env_bool("RATE_LIMITS_ENABLED", default=True)
RATE_LIMITS = {
    "register": {"client": "10/h"},
    "second_factor": {"client": "30/10m", "account": "10/10m"},
    "password_reset": {"client": "10/h", "account": "3/h"},
    "wish_submit": {"client": "20/h", "account": "10/d"},
    "claim": {"client": "60/h", "account": "30/h"},
    "report": {"client": "20/h", "account": "10/d"},
    "appointment": {"client": "20/h", "account": "10/d"},
    "signup": {"client": "60/h", "account": "30/h"},
    "loan": {"client": "30/h", "account": "20/d"},
    "place_report": {"client": "20/h", "account": "10/d"},
    # Each new search builds and keeps a page: far more than anyone types, far less than a script asks.
    "search": {"client": "30/m", "account": "30/m"},
}

# Activities (volunteers/models.py): check-in opens this long before the start.
CHECK_IN_OPENS_MINUTES_BEFORE = env_int("CHECK_IN_OPENS_MINUTES_BEFORE", 60)

# Micro-wishes (wishes/models.py).
WISH_MAX_OPEN_CLAIMS = env_int("WISH_MAX_OPEN_CLAIMS", 3)
WISH_MAX_OPEN_WISHES = env_int("WISH_MAX_OPEN_WISHES", 3)
WISH_CLAIM_EXPIRY_DAYS = env_int("WISH_CLAIM_EXPIRY_DAYS", 7)
WISH_AUTO_CONFIRM_DAYS = env_int("WISH_AUTO_CONFIRM_DAYS", 7)
WISH_CONTACT_RETENTION_DAYS = env_int("WISH_CONTACT_RETENTION_DAYS", 90)

# --- Sessions, cookies and HTTPS -----------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
STAFF_SESSION_IDLE_SECONDS = env_int("STAFF_SESSION_IDLE_MINUTES", 30) * 60
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
HTTPS = env_bool("HTTPS", default=not DEBUG)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=HTTPS)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=HTTPS)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("SECURE_PROXY_SSL_HEADER"):
    # Only behind a proxy that sets X-Forwarded-Proto itself.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# /healthz answers load balancers over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Content-Security-Policy (django-csp): nothing loads from outside the portal,
# and no inline script runs without this request's nonce.
from csp.constants import NONCE, NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "manifest-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}

# Whole public pages for anonymous visitors (community/pagecache.py); PAGE_CACHE=0 turns it off.
PAGE_CACHE_ENABLED = env_bool("PAGE_CACHE", default=True)
# Parts of pages kept for everyone, signed-in visitors included (pagecache.cached); PARTS_CACHE=0 turns them off,
# so that the benchmark can measure what every page costs when built from nothing.
CACHED_PARTS_ENABLED = env_bool("PARTS_CACHE", default=True)
# Each web process's own copy of kept pages (community/pagecopy.py), kept current by LISTEN/NOTIFY on the primary.
PAGE_COPY_ENABLED = env_bool("PAGE_COPY", default=True) and PAGE_CACHE_ENABLED
PAGE_COPY_MAX_BYTES = env_int("PAGE_COPY_MAX_MB", 64) * 1024 * 1024
# The same copy keeps the parts of pages (what signed-in pages are made of), each bounded by PAGE_COPY_MAX_MB.
PARTS_COPY_ENABLED = env_bool("PAGE_COPY", default=True) and CACHED_PARTS_ENABLED
# X-Page-Cache: hit/miss on kept pages, for development and tests only: in production it would tell anyone
# whether a page (a search, say) was asked for by someone else in the last minutes.
PAGE_CACHE_HEADER = env_bool("PAGE_CACHE_HEADER", default=DEBUG)

# --- Caches --------------------------------------------------------------------------
# PostgreSQL by default, so that every worker and machine agrees; Redis if configured, as an accelerator only
# (community/redis_cache.py): bounded waits, a circuit breaker, and nothing it holds can be served stale.
REDIS_URL = env_str("REDIS_URL")
# How long one Redis command may take (connect or answer) before Redis counts as down.
REDIS_TIMEOUT_MS = env_int("REDIS_TIMEOUT_MS", 250)
# After a failure, Redis is left alone this long (per worker) before one command tries again.
REDIS_RETRY_SECONDS = env_int("REDIS_RETRY_SECONDS", 10)
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "community.redis_cache.ResilientRedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "community.cache.PostgresCache", "LOCATION": "django_cache"}}
# Sessions stay in PostgreSQL (Django's default), also with Redis: a session kept in Redis could come back
# from an outage older than the truth (a sign-out made while Redis was down would be undone). Each web process
# keeps a copy of the sessions and people it read, dropped the moment PostgreSQL says they changed
# (community/signedin.py); SIGNED_IN_COPY=0 reads them from PostgreSQL on every request.
SESSION_ENGINE = "community.signedin"
SIGNED_IN_COPY_ENABLED = env_bool("SIGNED_IN_COPY", default=True)

# --- Internationalisation --------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and media files ---------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
MEDIA_URL = env_str("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(DATA_DIR / "media")))
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT", str(DATA_DIR / "private-media")))
# Photos in S3-compatible object storage (AWS S3, Aliyun OSS, Tencent COS, MinIO …)
# instead of the two folders above, so that every web machine sees every upload.
MEDIA_S3_BUCKET = env_str("MEDIA_S3_BUCKET")
PRIVATE_MEDIA_S3_BUCKET = env_str("PRIVATE_MEDIA_S3_BUCKET")
if MEDIA_S3_BUCKET:
    # Public photos are linked at this host, without signatures: links must not
    # expire inside cached pages and article bodies (news/content.py knows our
    # photos by their plain address). So the bucket is publicly readable.
    MEDIA_S3_CUSTOM_DOMAIN = env_str("MEDIA_S3_CUSTOM_DOMAIN").strip("/")
    if not MEDIA_S3_CUSTOM_DOMAIN:
        fail(
            "MEDIA_S3_CUSTOM_DOMAIN must name the public host of MEDIA_S3_BUCKET (or of a CDN in front of it), "
            "e.g. shequ-media.oss-cn-wuhan-lr.aliyuncs.com"
        )
    MEDIA_URL = f"https://{MEDIA_S3_CUSTOM_DOMAIN}/"
if PRIVATE_MEDIA_S3_BUCKET and PRIVATE_MEDIA_S3_BUCKET == MEDIA_S3_BUCKET:
    fail("PRIVATE_MEDIA_S3_BUCKET must be another bucket than MEDIA_S3_BUCKET, one that nobody can read publicly.")
if MEDIA_URL.startswith("http"):
    # Photos served from object storage or another host.
    from urllib.parse import urlsplit

    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append("{0.scheme}://{0.netloc}".format(urlsplit(MEDIA_URL)))


def s3_storage(bucket, **options):
    """django-storages' S3Storage for ``bucket``, at the endpoint and with the keys given by MEDIA_S3_*.

    Keys left unset come from boto3's usual places (AWS_* variables, an instance role).
    Our names are random and never reused: no overwriting, and no per-object ACL
    (the bucket's policy decides who may read).
    """
    connection = {
        "endpoint_url": env_str("MEDIA_S3_ENDPOINT_URL"),
        "region_name": env_str("MEDIA_S3_REGION"),
        "access_key": env_str("MEDIA_S3_ACCESS_KEY_ID"),
        "secret_key": env_str("MEDIA_S3_SECRET_ACCESS_KEY"),
        # "virtual" for providers that refuse path-style requests (Aliyun OSS); default: boto3's choice.
        "addressing_style": env_str("MEDIA_S3_ADDRESSING_STYLE"),
    }
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            **{name: value for name, value in connection.items() if value},
            "file_overwrite": False,
            "default_acl": None,
            **options,
        },
    }


STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
if MEDIA_S3_BUCKET:
    STORAGES["default"] = s3_storage(
        MEDIA_S3_BUCKET,
        custom_domain=MEDIA_S3_CUSTOM_DOMAIN,
        querystring_auth=False,
        # A rendition never changes (a new photo gets a new name): browsers and CDNs may keep it.
        object_parameters={"CacheControl": "public, max-age=31536000, immutable"},
    )
if PRIVATE_MEDIA_S3_BUCKET:
    # Read only by the portal itself (community.views.private_photo checks who asks, then
    # streams the file); signed links, should anything ever ask for one.
    STORAGES["private"] = s3_storage(PRIVATE_MEDIA_S3_BUCKET, querystring_auth=True)
BACKUP_DIR = Path(env_str("BACKUP_DIR", str(DATA_DIR / "backups")))
# Serve media files through Django only in development; production lets the
# front web server or object storage do it (see README).
SERVE_MEDIA = env_bool("SERVE_MEDIA", default=DEBUG and not MEDIA_S3_BUCKET)

# Uploaded photos: size and pixel limits (see community/images.py).
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_MB", 5) * 1024 * 1024
UPLOAD_MAX_PIXELS = env_int("UPLOAD_MAX_MEGAPIXELS", 40) * 1_000_000
FILE_UPLOAD_HANDLERS = [
    "community.uploads.SizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# --- Email ----------------------------------------------------------------------------------
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=EMAIL_PORT == 587)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", default=EMAIL_PORT == 465)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 5)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "社区门户 <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_ENABLED = bool(EMAIL_HOST) or DEBUG
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
elif DEBUG:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
else:
    # No mail server configured: send nothing rather than print mails (and the
    # personal data in them) into the production log.
    EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
EMAIL_BACKEND = env_str("EMAIL_BACKEND", EMAIL_BACKEND)
ADMINS = [("Admin", address) for address in env_list("ADMINS")]
# Links in emails point here (the periodic job has no request to ask).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Unread notifications of residents without email reach the staff call list after this long.
CALL_LIST_AFTER_HOURS = env_int("CALL_LIST_AFTER_HOURS", 24)

# --- The community this portal serves (shown in the header and footer) ---------------------
COMMUNITY_NAME = env_str("COMMUNITY_NAME", "江滨社区")
OTP_TOTP_ISSUER = COMMUNITY_NAME
COMMUNITY_ADDRESS = env_str("COMMUNITY_ADDRESS", "湖北省黄石市江滨路 88 号社区党群服务中心")
COMMUNITY_PHONE = env_str("COMMUNITY_PHONE", "0714-6200000")
COMMUNITY_OFFICE_HOURS = env_str("COMMUNITY_OFFICE_HOURS", "周一至周五 8:30–12:00、14:30–17:30")
ICP_NUMBER = env_str("ICP_NUMBER", "鄂ICP备00000000号-1")
PSB_NUMBER = env_str("PSB_NUMBER", "鄂公网安备 42020000000000号")

# --- Forms ----------------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Logging: to the console, with phone numbers masked in every record ---------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_personal_data": {"()": "community.privacy.MaskPersonalDataFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["mask_personal_data"],
        },
        "mail_admins": {
            "level": "ERROR",
            "class": "django.utils.log.AdminEmailHandler",
            "filters": ["mask_personal_data"],
            "include_html": False,
        },
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO"), "propagate": False},
        "django.request": {"handlers": ["console", "mail_admins"], "level": "ERROR", "propagate": False},
        "pgserver": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}
