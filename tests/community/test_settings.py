"""Configuration from the environment: safe defaults, a clean deploy check, one-line failures."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.sessions.backends import db

from community import signedin

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(64),
    "ALLOWED_HOSTS": "shequ.example.cn",
    "HTTPS": "1",
}


def manage(*args, env):
    # Start from this environment minus what the test sets (and the browser tests' async switch).
    dropped = {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {key: value for key, value in os.environ.items() if key not in dropped}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def settings_from(env, *names):
    """The named settings as a fresh process reads them with ``env`` added (JSON-encoded; nothing is connected)."""
    script = (
        "import json, sys; from community import settings; "
        "print(json.dumps({name: getattr(settings, name) for name in sys.argv[1:]}, default=str))"
    )
    clean = {key: value for key, value in os.environ.items() if key not in {"DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    result = subprocess.run(
        [sys.executable, "-c", script, *names],
        cwd=ROOT,
        env={**clean, "DATABASE_URL": "postgres://community@db.internal:5432/community", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def database_url():
    db = settings.DATABASES["default"]
    from urllib.parse import quote

    return f"postgres://{db['USER']}@{quote(db['HOST'], safe='')}/{db['NAME']}"


def test_production_settings_pass_the_deploy_check_without_a_warning():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env={**PRODUCTION, "DATABASE_URL": database_url()})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("SECRET_KEY", "SECRET_KEY must be set"),
        ("ALLOWED_HOSTS", "ALLOWED_HOSTS must list"),
        ("DATABASE_URL", "DATABASE_URL must point"),
    ],
)
def test_a_missing_production_setting_stops_start_up_with_one_line(missing, message):
    env = {**PRODUCTION, "DATABASE_URL": database_url()}
    env.pop(missing)
    result = manage("check", env=env)
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert message in lines[0]
    assert "Traceback" not in result.stderr


def test_a_database_other_than_postgresql_is_refused():
    result = manage("check", env={"DATABASE_URL": "sqlite:///db.sqlite3"})
    assert result.returncode != 0
    assert "must be a PostgreSQL URL" in result.stderr
    assert "Traceback" not in result.stderr


def test_settings_read_in_the_tests_are_the_safe_ones():
    db = settings.DATABASES["default"]
    assert db["ENGINE"] == "community.postgres"  # Django's PostgreSQL backend, moving page versions at commit
    assert db["OPTIONS"]["connect_timeout"] <= 2
    assert db["CONN_MAX_AGE"] > 0 and db["CONN_HEALTH_CHECKS"]
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.PASSWORD_HASHERS[0].endswith("MD5PasswordHasher")


def test_a_replica_url_adds_a_replica_that_connects_like_the_primary_and_switches_routing_on():
    read = settings_from(
        {"DATABASE_REPLICA_URL": "postgres://community@replica.internal:5432/community", "DB_CONNECT_TIMEOUT": "3"},
        "DATABASES",
        "DATABASE_ROUTERS",
        "MIDDLEWARE",
    )
    primary, replica = read["DATABASES"]["default"], read["DATABASES"]["replica"]
    assert replica["HOST"] == "replica.internal" and primary["HOST"] == "db.internal"
    assert replica["OPTIONS"] == primary["OPTIONS"] and replica["OPTIONS"]["connect_timeout"] == 3
    assert replica["CONN_MAX_AGE"] == primary["CONN_MAX_AGE"] and replica["CONN_HEALTH_CHECKS"]
    assert replica["TEST"] == {"MIRROR": "default"}
    assert read["DATABASE_ROUTERS"] == ["community.dbrouter.PrimaryReplicaRouter"]
    assert read["MIDDLEWARE"][0] == "community.dbrouter.ReadReplicaMiddleware"


def test_without_a_replica_url_there_is_one_database_and_no_router():
    read = settings_from({}, "DATABASES", "DATABASE_ROUTERS", "MIDDLEWARE")
    assert list(read["DATABASES"]) == ["default"]
    assert read["DATABASE_ROUTERS"] == []
    assert "community.dbrouter.ReadReplicaMiddleware" not in read["MIDDLEWARE"]


def test_a_replica_other_than_postgresql_is_refused():
    result = manage("check", env={"DATABASE_URL": database_url(), "DATABASE_REPLICA_URL": "mysql://u@h/community"})
    assert result.returncode != 0
    assert "DATABASE_REPLICA_URL must be a PostgreSQL URL" in result.stderr
    assert "Traceback" not in result.stderr


OBJECT_STORAGE = {
    "MEDIA_S3_BUCKET": "shequ-media",
    "MEDIA_S3_CUSTOM_DOMAIN": "media.shequ.example.cn",
    "MEDIA_S3_ENDPOINT_URL": "https://oss-cn-wuhan-lr.aliyuncs.com",
    "MEDIA_S3_REGION": "cn-wuhan-lr",
    "MEDIA_S3_ADDRESSING_STYLE": "virtual",
    "MEDIA_S3_ACCESS_KEY_ID": "AKIDEXAMPLE",
    "MEDIA_S3_SECRET_ACCESS_KEY": "wJalrXUtnFEMI",
    "PRIVATE_MEDIA_S3_BUCKET": "shequ-private",
}


def test_object_storage_settings_put_public_and_private_photos_in_their_own_buckets():
    read = settings_from(OBJECT_STORAGE, "STORAGES", "MEDIA_URL", "CONTENT_SECURITY_POLICY", "SERVE_MEDIA")
    public, private = read["STORAGES"]["default"], read["STORAGES"]["private"]
    assert public["BACKEND"] == private["BACKEND"] == "storages.backends.s3.S3Storage"
    connection = {
        "endpoint_url": "https://oss-cn-wuhan-lr.aliyuncs.com",
        "region_name": "cn-wuhan-lr",
        "addressing_style": "virtual",
        "access_key": "AKIDEXAMPLE",
        "secret_key": "wJalrXUtnFEMI",
        "file_overwrite": False,
        "default_acl": None,
    }
    assert public["OPTIONS"] == {
        "bucket_name": "shequ-media",
        **connection,
        "custom_domain": "media.shequ.example.cn",
        "querystring_auth": False,
        "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
    }
    assert private["OPTIONS"] == {"bucket_name": "shequ-private", **connection, "querystring_auth": True}
    assert read["MEDIA_URL"] == "https://media.shequ.example.cn/"
    assert "https://media.shequ.example.cn" in read["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["img-src"]
    assert read["SERVE_MEDIA"] is False


def test_with_object_storage_photos_link_to_the_public_host_and_private_ones_stay_in_their_bucket():
    """Asked of django-storages itself, offline: an address needs no request to the bucket."""
    code = (
        "from django.core.files.storage import default_storage; from community.images import private_storage; "
        "print(default_storage.url('images/ab/0123-400.webp')); print(private_storage().bucket_name)"
    )
    result = manage("shell", "--no-imports", "-c", code, env={**OBJECT_STORAGE, "DATABASE_URL": database_url()})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["https://media.shequ.example.cn/images/ab/0123-400.webp", "shequ-private"]


def test_settings_without_object_storage_keep_photos_in_folders():
    read = settings_from({}, "STORAGES", "MEDIA_URL")
    assert read["STORAGES"]["default"] == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert "private" not in read["STORAGES"]
    assert read["MEDIA_URL"] == "/media/"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"MEDIA_S3_CUSTOM_DOMAIN": ""}, "MEDIA_S3_CUSTOM_DOMAIN must name the public host"),
        ({"PRIVATE_MEDIA_S3_BUCKET": "shequ-media"}, "PRIVATE_MEDIA_S3_BUCKET must be another bucket"),
    ],
)
def test_object_storage_without_a_public_host_or_with_one_bucket_for_both_is_refused(env, message):
    result = manage("check", env={**OBJECT_STORAGE, **env, "DATABASE_URL": database_url()})
    assert result.returncode != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_redis_is_the_guarded_cache_and_sessions_stay_in_postgresql_either_way():
    with_redis = settings_from({"REDIS_URL": "redis://cache.internal:6379/0"}, "SESSION_ENGINE", "CACHES")
    # Django's database sessions, with each process's copy in front (community/signedin.py).
    assert with_redis["SESSION_ENGINE"] == "community.signedin"
    assert with_redis["CACHES"]["default"]["BACKEND"] == "community.redis_cache.ResilientRedisCache"
    assert settings_from({}, "SESSION_ENGINE")["SESSION_ENGINE"] == "community.signedin"
    assert issubclass(signedin.SessionStore, db.SessionStore)


def test_the_redis_client_is_installed_for_redis_url():
    """Django's RedisCache imports it only when first used; a missing client would fail the first request."""
    code = "from django.core.cache import cache; print(type(cache._cache).__name__)"
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        code,
        env={"REDIS_URL": "redis://cache.internal:6379/0", "DATABASE_URL": database_url()},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "RedisCacheClient"
