import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from community.backups import database_url, postgres_tool


class Command(BaseCommand):
    help = "Bring back a backup written by `manage.py backup`: the database and the media files. Replaces both."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The .tar.gz written by manage.py backup.")
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args, **options):
        source = Path(options["file"])
        if not source.is_file():
            raise CommandError(f"No backup at {source}")
        if not options["yes"]:
            if not sys.stdin.isatty():
                raise CommandError("Not run from a terminal: confirm with --yes (make restore FILE=… YES=1).")
            answer = input(f"This replaces the database and all media files with {source.name}. Type 'yes': ")
            if answer.strip() != "yes":
                raise CommandError("Restore cancelled.")
        pg_restore = postgres_tool("pg_restore")
        connections.close_all()
        with tempfile.TemporaryDirectory() as work, tarfile.open(source, "r:gz") as archive:
            archive.extractall(work, filter="data")
            dump = Path(work) / "database.dump"
            if not dump.exists():
                raise CommandError(f"{source.name} has no database.dump: not a backup of this portal")
            result = subprocess.run(
                [
                    pg_restore,
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--single-transaction",
                    f"--dbname={database_url()}",
                    str(dump),
                ],
                capture_output=True,
                text=True,
            )
            if result.returncode != 0:
                raise CommandError(f"pg_restore failed: {result.stderr.strip()}")
            for folder, name in ((settings.MEDIA_ROOT, "media"), (settings.PRIVATE_MEDIA_ROOT, "private-media")):
                target = Path(folder)
                if target.exists():
                    shutil.rmtree(target)
                if (Path(work) / name).exists():
                    shutil.copytree(Path(work) / name, target)
                else:
                    target.mkdir(parents=True, exist_ok=True)
        self.stdout.write(f"Restored database and media from {source}")
