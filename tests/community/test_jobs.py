"""The periodic job runner: due jobs run, others wait, a failure is recorded and contained."""

from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone

from community import periodic
from community.models import JobRun


@pytest.fixture
def broken_job():
    @periodic.periodic_job(every=timedelta(minutes=5), description="always fails")
    def explode(now):
        raise RuntimeError("boom")

    yield "tests.explode"
    periodic._registry.pop("tests.explode", None)


@pytest.mark.django_db
def test_every_job_runs_the_first_time_and_then_waits_for_its_interval():
    now = timezone.now()
    first = {name for name, ok, _ in periodic.run_due_jobs(now=now)}
    assert "community.clear_expired_sessions" in first
    again = periodic.run_due_jobs(now=now + timedelta(minutes=5))
    assert "community.clear_expired_sessions" not in {name for name, _ok, _msg in again}
    later = periodic.run_due_jobs(now=now + timedelta(hours=7))
    assert "community.clear_expired_sessions" in {name for name, _ok, _msg in later}


@pytest.mark.django_db
def test_the_session_job_deletes_only_expired_sessions():
    old = SessionStore()
    old.set_expiry(-10)
    old.create()
    fresh = SessionStore()
    fresh.create()
    periodic.run_due_jobs(only=["community.clear_expired_sessions"])
    assert list(Session.objects.values_list("session_key", flat=True)) == [fresh.session_key]


@pytest.mark.django_db
def test_a_failing_job_is_recorded_and_does_not_stop_the_others(broken_job):
    results = {name: ok for name, ok, _msg in periodic.run_due_jobs()}
    assert results[broken_job] is False
    assert results["community.clear_expired_sessions"] is True
    record = JobRun.objects.get(name=broken_job)
    assert not record.last_ok and "boom" in record.last_message


@pytest.mark.django_db
def test_the_command_lists_the_jobs(capsys):
    call_command("run_jobs", "--list")
    assert "community.clear_expired_sessions" in capsys.readouterr().out
