"""Redis is an accelerator: with a real Redis stopped, hung or back with old data, people notice nothing wrong.

Each test starts its own redis-server on a private socket (tests/realparts.py)
and commits for real, as a server would.
"""

import pytest
from django.urls import reverse

from community.models import RateCounter
from community.redis_cache import breaker
from tests.factories import PASSWORD, UserFactory
from tests.realparts import RedisServer
from tests.signing_in import sign_in
from tests.wishes.helpers import make_wish
from wishes.models import Wish

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def redis_server(tmp_path, settings):
    server = RedisServer(tmp_path / "redis").start()
    settings.REDIS_URL = server.url
    settings.CACHES = {"default": {"BACKEND": "community.redis_cache.ResilientRedisCache", "LOCATION": server.url}}
    breaker.close()
    yield server
    server.resume()
    server.stop()
    breaker.close()


def kept(client, url):
    client.get(url)
    return client.get(url)["X-Page-Cache"] == "hit"


def test_pages_are_kept_in_redis_while_it_answers(client, redis_server):
    make_wish(title="想请人帮忙修水龙头")
    assert kept(client, reverse("wishes:wall"))
    assert any(b"kept-page" in key for key in redis_server.client().keys("*"))


def test_a_change_made_while_redis_is_down_is_not_hidden_by_the_old_page_it_saved(client, redis_server, settings):
    wish = make_wish(title="想请人帮忙修水龙头")
    wall = reverse("wishes:wall")
    assert kept(client, wall)
    redis_server.save_and_stop()  # down, with the old wall page saved on disk

    Wish.objects.filter(pk=wish.pk).update(title="想请人帮忙换水龙头")
    during = client.get(wall)
    assert during.status_code == 200 and "换水龙头" in during.text
    assert breaker.is_open

    redis_server.start()  # back, with the old page
    assert any(b"kept-page" in key for key in redis_server.client().keys("*"))
    breaker.close()  # its retry time has passed
    after = client.get(wall)
    assert "换水龙头" in after.text and "修水龙头" not in after.text
    assert kept(client, wall)  # and Redis keeps the new page again


def test_with_redis_down_people_sign_in_and_work_and_limits_count_in_postgresql(client, redis_server):
    person = UserFactory(username="13900001111")
    redis_server.stop()
    typo = client.post(reverse("login"), {"username": "13900001111", "password": "wrong"})
    assert typo.status_code == 200
    assert RateCounter.objects.filter(key__startswith="login-fail").exists()
    response = client.post(reverse("login"), {"username": "13900001111", "password": PASSWORD})
    assert response.status_code == 302
    me = client.get(reverse("me"))
    assert me.status_code == 200 and person.display_name in me.text
    assert client.get(reverse("wishes:wall")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("me")).status_code == 302  # the sign-out holds


def test_a_hung_redis_is_left_alone_after_one_bounded_wait(client, redis_server, settings):
    sign_in(client, UserFactory())
    redis_server.hang()
    response = client.get(reverse("me"))
    assert response.status_code == 200
    assert breaker.is_open  # the one command that waited gave up after REDIS_TIMEOUT_MS
    assert client.get("/").status_code == 200
    assert client.get(reverse("wishes:wall")).status_code == 200
    redis_server.resume()
    breaker.close()
    assert kept(client.__class__(), "/")
