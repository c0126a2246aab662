"""Configuration from the environment: safe defaults, a clean deploy check, one-line failures."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

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
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert db["OPTIONS"]["connect_timeout"] <= 2
    assert db["CONN_MAX_AGE"] > 0 and db["CONN_HEALTH_CHECKS"]
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.PASSWORD_HASHERS[0].endswith("MD5PasswordHasher")
