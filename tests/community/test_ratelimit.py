"""Abuse limits: per client and per account, shared through PostgreSQL, with a Chinese 429 page."""

import threading

import pytest
from django.db import connections
from django.test import RequestFactory
from django.urls import reverse

from community import ratelimit
from community.models import RateCounter
from tests.factories import StaffFactory, UserFactory
from tests.signing_in import sign_in


@pytest.mark.parametrize(("text", "count", "seconds"), [("10/h", 10, 3600), ("5/10m", 5, 600), ("3/d", 3, 86400)])
def test_limits_are_written_as_count_per_period(text, count, seconds):
    assert ratelimit.Limit.parse(text) == ratelimit.Limit(count, seconds)


@pytest.mark.django_db
def test_registration_is_limited_per_client_with_a_chinese_429(client, settings):
    settings.RATE_LIMITS = {"register": {"client": "3/h"}}
    for _ in range(3):
        assert client.post(reverse("register"), {"username": "x"}).status_code == 200
    response = client.post(reverse("register"), {"username": "x"})
    assert response.status_code == 429
    assert "操作太频繁了" in response.text
    assert 0 < int(response["Retry-After"]) <= 3600
    # Another client is not affected.
    assert client.post(reverse("register"), {"username": "x"}, REMOTE_ADDR="10.9.9.9").status_code == 200


@pytest.mark.django_db
def test_the_client_address_honours_only_the_trusted_proxies(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7", REMOTE_ADDR="10.0.0.1")
    from community.clients import client_ip

    assert client_ip(request) == "203.0.113.7"  # the spoofed left-most entry is ignored
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.1"


@pytest.mark.django_db
def test_staff_entering_data_for_residents_are_limited_by_account_not_as_one_client(settings):
    settings.RATE_LIMITS = {"wish_submit": {"client": "2/h", "account": "50/d"}}
    staff = StaffFactory()
    request = RequestFactory().post("/", REMOTE_ADDR="10.1.1.1")
    request.user = staff
    assert all(ratelimit.check(request, "wish_submit") == 0 for _ in range(10))
    resident_request = RequestFactory().post("/", REMOTE_ADDR="10.1.1.1")
    resident_request.user = UserFactory()
    results = [ratelimit.check(resident_request, "wish_submit") for _ in range(3)]
    assert results[:2] == [0, 0] and results[2] > 0


@pytest.mark.django_db(transaction=True)
def test_concurrent_hits_are_counted_exactly_across_connections(settings):
    """Eight workers hitting at once: the shared counter sees every hit, none lost."""
    settings.RATE_LIMITS = {"claim": {"account": "1000/h"}}
    user = UserFactory()
    barrier = threading.Barrier(8)

    def worker():
        request = RequestFactory().post("/")
        request.user = user
        barrier.wait()
        try:
            for _ in range(25):
                ratelimit.check(request, "claim")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert RateCounter.objects.get(key=f"claim:user:{user.pk}").count == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("action", "url_name", "needs"),
    [
        ("wish_submit", "wishes:submit", None),
        ("claim", "wishes:claim", "wish"),
        ("report", "whistles:report_problem", None),
        ("appointment", "volunteers:request_appointment", "workstation"),
        ("signup", "volunteers:sign_up", "activity"),
    ],
)
def test_each_limited_action_answers_429_past_its_limit(client, settings, action, url_name, needs):
    from tests.factories import ActivityFactory, WorkstationFactory
    from tests.wishes.helpers import make_wish

    settings.RATE_LIMITS = {action: {"client": "100/h", "account": "2/h"}}
    objects = {"wish": make_wish, "workstation": WorkstationFactory, "activity": ActivityFactory}
    kwargs = {"pk": objects[needs]().pk} if needs else {}
    sign_in(client, UserFactory())
    url = reverse(url_name, kwargs=kwargs)
    statuses = [client.post(url, {}).status_code for _ in range(3)]
    assert statuses[:2] != [429, 429] and statuses[2] == 429
    assert "操作太频繁了" in client.post(url, {}).text
