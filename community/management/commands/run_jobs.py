import time

from django.core.management.base import BaseCommand
from django.db import connection

from community.periodic import all_jobs, run_due_jobs


class Command(BaseCommand):
    help = "Run every periodic job that is due (for cron: every 5 minutes)."

    def add_arguments(self, parser):
        parser.add_argument("--list", action="store_true", help="List the jobs and their intervals.")
        parser.add_argument("--job", action="append", help="Run this job now, due or not (repeatable).")
        parser.add_argument("--loop", type=int, metavar="SECONDS", help="Keep running, every SECONDS (make run).")

    def handle(self, *args, **options):
        if options["list"]:
            for job in all_jobs():
                self.stdout.write(f"{job.name:45} every {job.every}  {job.description}")
            return
        while True:
            for name, ok, message in run_due_jobs(only=options["job"]):
                self.stdout.write(
                    f"{'ok ' if ok else 'FAILED '}{name}: {message.strip().splitlines()[-1] if message.strip() else ''}"
                )
            if not options["loop"]:
                return
            # Reconnect on the next turn, so that a database restart is survived.
            connection.close()
            time.sleep(options["loop"])
