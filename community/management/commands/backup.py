import os
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from community.backups import database_url, postgres_tool


class Command(BaseCommand):
    help = "Write a timestamped backup: a pg_dump of the database plus the (public and private) media, in one .tar.gz."

    def add_arguments(self, parser):
        parser.add_argument("--dir", default=str(settings.BACKUP_DIR), help="Where to write the backup.")

    def handle(self, *args, **options):
        # Backups hold every phone, address and password hash: readable by the portal's own user only.
        target_dir = Path(options["dir"])
        target_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        target_dir.chmod(0o700)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        target = target_dir / f"community-{stamp}.tar.gz"
        with tempfile.TemporaryDirectory() as work:
            dump = Path(work) / "database.dump"
            result = subprocess.run(
                [
                    postgres_tool("pg_dump"),
                    "--format=custom",
                    "--no-owner",
                    f"--file={dump}",
                    f"--dbname={database_url()}",
                ],
                capture_output=True,
                text=True,
            )
            if result.returncode != 0:
                raise CommandError(f"pg_dump failed: {result.stderr.strip()}")
            partial = target.with_suffix(".partial")
            with (
                os.fdopen(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as raw,
                tarfile.open(fileobj=raw, mode="w:gz") as archive,
            ):
                archive.add(dump, arcname="database.dump")
                for folder, name in ((settings.MEDIA_ROOT, "media"), (settings.PRIVATE_MEDIA_ROOT, "private-media")):
                    if Path(folder).exists():
                        archive.add(folder, arcname=name)
            shutil.move(partial, target)
        self.stdout.write(str(target))
        if settings.MEDIA_S3_BUCKET or settings.PRIVATE_MEDIA_S3_BUCKET:
            self.stderr.write(
                "Photos in object storage (MEDIA_S3_BUCKET, PRIVATE_MEDIA_S3_BUCKET) are not in this archive: "
                "keep them with the buckets' versioning or replication (see README)."
            )
