"""Backup and restore round-trip a populated database and its media files."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.dedicated_postgres import DedicatedPostgres

ROOT = Path(__file__).resolve().parents[2]

SNAPSHOT = """
import hashlib, json
from pathlib import Path

import pytest
from django.conf import settings
from community.models import Building, Image, User
from news.models import Article
media = sorted(str(p.relative_to(settings.MEDIA_ROOT)) for p in Path(settings.MEDIA_ROOT).rglob('*') if p.is_file())
print(json.dumps({
    'articles': sorted((a.title, a.body) for a in Article.objects.all()),
    'users': sorted(User.objects.values_list('username', 'password')),
    'buildings': Building.objects.count(),
    'images': sorted(str(k) for k in Image.objects.values_list('key', flat=True)),
    'media': media,
    'media_bytes': hashlib.sha256(b''.join((Path(settings.MEDIA_ROOT) / m).read_bytes() for m in media)).hexdigest(),
}, ensure_ascii=False))
"""

DAMAGE = """
import shutil
from django.conf import settings
from news.models import Article
Article.objects.all().delete()
shutil.rmtree(settings.MEDIA_ROOT)
"""


def test_a_backup_brings_back_the_database_and_the_media(tmp_path):
    from pgserver._commands import POSTGRES_BIN_PATH

    database = DedicatedPostgres(tmp_path)
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DATABASE_URL": database.url,
        "DATA_DIR": str(tmp_path / "data"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "BACKUP_DIR": str(tmp_path / "backups"),
        "PG_BIN_DIR": str(POSTGRES_BIN_PATH),
        "DEBUG": "1",
    }

    def manage(*args):
        result = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    try:
        manage("migrate", "-v0")
        manage("load_demo")
        before = manage("shell", "-c", SNAPSHOT)
        assert '"articles": [["' in before and '"media": ["images/' in before

        archive = manage("backup").strip().splitlines()[-1]
        assert Path(archive).name.startswith("community-") and archive.endswith(".tar.gz")

        manage("shell", "-c", DAMAGE)
        assert manage("shell", "-c", SNAPSHOT) != before

        manage("restore", archive, "--yes")
        assert manage("shell", "-c", SNAPSHOT) == before
    finally:
        database.destroy()


def test_backups_are_readable_by_the_portals_user_only_and_restore_needs_a_yes(tmp_path):
    """Mode 0600 in a 0700 folder (they hold every phone, address and password hash); without a terminal,
    restore asks for --yes instead of waiting for an answer nobody can give."""
    import stat

    from pgserver._commands import POSTGRES_BIN_PATH

    database = DedicatedPostgres(tmp_path)
    backups = tmp_path / "backups"
    backups.mkdir(mode=0o755)
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE", "PG_BIN_DIR")},
        "DATABASE_URL": database.url,
        "DATA_DIR": str(tmp_path / "data"),
        "BACKUP_DIR": str(backups),
        "DEBUG": "1",
    }

    def manage(*args):
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            stdin=subprocess.DEVNULL,
        )

    try:
        assert manage("migrate", "-v0").returncode == 0
        result = manage("backup")
        assert result.returncode == 0, result.stderr
        archive = Path(result.stdout.strip().splitlines()[-1])
        assert stat.S_IMODE(archive.stat().st_mode) == 0o600
        assert stat.S_IMODE(backups.stat().st_mode) == 0o700
        refused = manage("restore", str(archive))
        assert refused.returncode != 0 and "--yes" in refused.stderr and "Traceback" not in refused.stderr
        assert POSTGRES_BIN_PATH.exists()  # the embedded server's own pg_dump was found without PG_BIN_DIR
    finally:
        database.destroy()


def test_an_older_pg_dump_is_passed_over_and_a_missing_one_is_named(tmp_path, monkeypatch):
    from django.core.management.base import CommandError

    from community import backups

    old, new = tmp_path / "15" / "pg_dump", tmp_path / "16" / "pg_dump"
    for tool, version in ((old, "15.8"), (new, "16.4")):
        tool.parent.mkdir()
        tool.write_text(f"#!/bin/sh\necho 'pg_dump (PostgreSQL) {version}'\n")
        tool.chmod(0o755)
    monkeypatch.setattr(backups, "_candidates", lambda name: iter([str(old), str(new)]))
    assert backups.postgres_tool("pg_dump", server=16) == str(new)
    with pytest.raises(CommandError, match="postgresql-client-17"):
        backups.postgres_tool("pg_dump", server=17)
