"""``manage.py bench_run``: serve the portal with gunicorn in each phase, measure it, print the table, save JSON."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from bench import run


class Command(BaseCommand):
    help = "Serve the portal with gunicorn on --port in each phase, measure every page, print the table, save JSON."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8765, help="where gunicorn listens (started for each phase)")
        parser.add_argument("--seconds", type=int, default=10, help="how long wrk loads each page")
        parser.add_argument("--warmup", type=int, default=3, help="how long each page is loaded before measuring")
        parser.add_argument("--connections", type=int, default=16)
        parser.add_argument(
            "--only", default="", help="comma-separated parts of page names to measure (the ceiling always is)"
        )

    def handle(self, *args, port, seconds, warmup, connections, only, **options):
        folder = Path(settings.DATA_DIR) / "bench"
        server = run.Gunicorn(port, folder / "gunicorn.log")
        results = run.measure(
            server=server,
            seconds=seconds,
            warmup=warmup,
            connections=connections,
            only=[part for part in only.split(",") if part],
            out=self.stdout.write,
        )
        path = run.save(results, folder)
        self.stdout.write("")
        self.stdout.write(run.table(results))
        self.stdout.write(f"\nSaved as {path} (and latest.json beside it).")
