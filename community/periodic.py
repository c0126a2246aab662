"""Periodic jobs: one command (``manage.py run_jobs``) runs every job that is due.

An app declares its jobs in its ``jobs.py``::

    @periodic_job(every=timedelta(hours=1), description="…")
    def release_stale_claims(now): ...

Cron (or ``make run``) calls the command every few minutes; a PostgreSQL
advisory lock keeps two overlapping runs from doing the same work twice.
"""

import logging
import traceback
from dataclasses import dataclass
from datetime import timedelta

from django.db import connection
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from community.models import JobRun

logger = logging.getLogger(__name__)

# An arbitrary constant that identifies "the job runner" among advisory locks.
ADVISORY_LOCK_KEY = 7_220_114


@dataclass(frozen=True)
class Job:
    name: str
    every: timedelta
    run: callable
    description: str


_registry: dict[str, Job] = {}


def periodic_job(*, every: timedelta, description: str = ""):
    def register(func):
        name = f"{func.__module__.split('.')[0]}.{func.__name__}"
        _registry[name] = Job(name=name, every=every, run=func, description=description)
        return func

    return register


def all_jobs() -> list[Job]:
    autodiscover_modules("jobs")
    return sorted(_registry.values(), key=lambda job: job.name)


def run_due_jobs(*, now=None, only=None) -> list[tuple[str, bool, str]]:
    """Run each job whose interval has passed (or the ones named in ``only``).

    Returns (name, ok, message) for each job that ran. A failing job is logged
    and recorded; it does not stop the others.
    """
    now = now or timezone.now()
    results = []
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [ADVISORY_LOCK_KEY])
        if not cursor.fetchone()[0]:
            logger.info("Another run_jobs is running; skipping this turn.")
            return results
    try:
        for job in all_jobs():
            record, _created = JobRun.objects.get_or_create(name=job.name)
            due = record.last_started is None or now - record.last_started >= job.every
            if only is not None and job.name not in only:
                continue
            if only is None and not due:
                continue
            record.last_started = now
            record.save(update_fields=["last_started"])
            try:
                message = job.run(now) or ""
                ok = True
            except Exception:
                logger.exception("Periodic job %s failed", job.name)
                message, ok = traceback.format_exc(limit=3), False
            record.last_finished = timezone.now()
            record.last_ok = ok
            record.last_message = str(message)[:2000]
            record.save(update_fields=["last_finished", "last_ok", "last_message"])
            results.append((job.name, ok, str(message)))
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [ADVISORY_LOCK_KEY])
    return results
