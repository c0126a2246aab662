"""``manage.py bench_seed``: seed the benchmark's data set, or say that it is already there."""

import secrets
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from bench import seed


def bench_password():
    """The password of every seeded account, kept with the benchmark's data (git-ignored)."""
    path = Path(settings.DATA_DIR) / "bench" / "password.txt"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(12) + "\n")
        path.chmod(0o600)
    return path.read_text().strip()


class Command(BaseCommand):
    help = "Seed the benchmark's city-sized data set into the database; does nothing if it is already seeded."

    def add_arguments(self, parser):
        parser.add_argument("--sizes", choices=["city", "tiny"], default="city", help="tiny: a smoke test in seconds")

    def handle(self, *args, sizes, **options):
        wanted = seed.CITY if sizes == "city" else seed.TINY
        existing = seed.seeded_sizes()
        if existing == wanted:
            self.stdout.write(f"The benchmark database is already seeded ({sizes}); reusing it.")
            return
        if existing == seed.OUTDATED:
            raise CommandError(
                "The benchmark database was seeded by an older bench/seed.py. Reseed: make bench RESEED=1"
            )
        if existing is not None:
            raise CommandError("The benchmark database was seeded with other sizes. Reseed: make bench RESEED=1")
        if seed.has_portal_data():
            raise CommandError("The benchmark database holds data but no seeding record. Reseed: make bench RESEED=1")
        self.stdout.write(f"Seeding the benchmark database ({sizes}); this happens once …")
        started = time.monotonic()
        counts = seed.seed(wanted, password=bench_password(), out=self.stdout.write)
        seed.vacuum_analyze(out=self.stdout.write)
        self.stdout.write(
            f"Seeded in {time.monotonic() - started:.0f} s: "
            + ", ".join(f"{count:,} {label}" for label, count in sorted(counts.items(), key=lambda kv: -kv[1])[:8])
        )
        self.stdout.write(
            f"Accounts: {seed.STAFF_USERNAME} (staff), {seed.RESIDENT_USERNAME}, {seed.ADMIN_USERNAME}; "
            f"password in {Path(settings.DATA_DIR) / 'bench' / 'password.txt'}"
        )
