"""``manage.py bench_run``: measure the running gunicorn, print the table, save it as JSON."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from bench import run


class Command(BaseCommand):
    help = "Measure every page of the portal served by gunicorn at --url; print the table and save it as JSON."

    def add_arguments(self, parser):
        parser.add_argument("--url", required=True, help="where gunicorn listens, e.g. http://127.0.0.1:8765")
        parser.add_argument("--gunicorn-pid", type=int, required=True, help="the gunicorn master's process id")
        parser.add_argument("--seconds", type=int, default=10, help="how long wrk loads each page")
        parser.add_argument("--warmup", type=int, default=3, help="how long each page is loaded before measuring")
        parser.add_argument("--connections", type=int, default=16)

    def handle(self, *args, url, gunicorn_pid, seconds, warmup, connections, **options):
        results = run.measure(
            base_url=url.rstrip("/"),
            master_pid=gunicorn_pid,
            seconds=seconds,
            warmup=warmup,
            connections=connections,
            out=self.stdout.write,
        )
        path = run.save(results, Path(settings.DATA_DIR) / "bench")
        self.stdout.write("")
        self.stdout.write(run.table(results))
        self.stdout.write(f"\nSaved as {path} (and latest.json beside it).")
