"""Backup and restore round-trip a populated database and its media files."""

import os
import subprocess
import sys
from pathlib import Path

from tests.dedicated_postgres import DedicatedPostgres

ROOT = Path(__file__).resolve().parents[2]

SNAPSHOT = """
import hashlib, json
from pathlib import Path
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
