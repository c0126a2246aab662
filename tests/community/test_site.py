"""Site-wide behaviour: health check, elderly mode, error pages, footer."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import RequestFactory
from django.urls import reverse

from community.views import server_error
from tests.factories import UserFactory
from tests.signing_in import sign_in

ROOT = Path(__file__).resolve().parents[2]


def test_healthz_says_the_process_is_alive_without_asking_the_database(client):
    response = client.get("/healthz")  # no django_db mark: a query would fail the test
    assert response.status_code == 200 and response.json() == {"alive": True}


@pytest.mark.django_db
def test_readyz_says_ok_when_the_primary_answers(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["primary"] == "ok"


def test_readyz_says_503_when_the_primary_is_unreachable_and_healthz_still_200():
    """A real connection attempt to a server that is not there, in its own process."""
    script = (
        "import django, json; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/readyz', HTTP_HOST='localhost');"
        "h = Client().get('/healthz', HTTP_HOST='localhost');"
        "print(r.status_code, r.content.decode(), h.status_code)"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "community.settings",
        "DATABASE_URL": "postgres://nobody@%2Ftmp%2Fno-such-postgres/community",
    }
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.stdout.strip() == '503 {"primary": "down"} 200', result.stderr


@pytest.mark.django_db
class TestElderlyMode:
    def test_the_switch_sets_a_cookie_and_returns_to_the_page(self, client):
        response = client.get(reverse("elderly_mode"), {"on": "1", "next": "/about/"})
        assert response.status_code == 302
        assert response.url == "/about/"
        assert response.cookies["elderly"].value == "1"
        assert response.cookies["elderly"]["max-age"] >= 30 * 24 * 3600

    def test_pages_are_drawn_large_while_the_cookie_is_set(self, client):
        client.cookies["elderly"] = "1"
        response = client.get("/")
        assert '<html lang="zh-CN" class="elderly">' in response.text
        assert "标准模式" in response.text

    def test_the_switch_turns_the_mode_off_again(self, client):
        client.cookies["elderly"] = "1"
        response = client.get(reverse("elderly_mode"), {"on": "0", "next": "/"})
        assert response.cookies["elderly"].value == ""

    @pytest.mark.parametrize("target", ["https://evil.example.com/", "//evil.example.com/", "javascript:alert(1)"])
    def test_the_switch_never_sends_people_to_another_site(self, client, target):
        response = client.get(reverse("elderly_mode"), {"on": "1", "next": target})
        assert response.url == "/"


@pytest.mark.django_db
class TestShell:
    def test_the_footer_shows_the_contact_details_and_record_numbers(self, client, settings):
        settings.ICP_NUMBER = "鄂ICP备12345678号-2"
        settings.PSB_NUMBER = "鄂公网安备 42020202000123号"
        response = client.get("/")
        for text in [
            "江滨社区",
            settings.COMMUNITY_ADDRESS,
            settings.COMMUNITY_PHONE,
            "鄂ICP备12345678号-2",
            "鄂公网安备 42020202000123号",
        ]:
            assert text in response.text

    def test_navigation_shows_login_or_my_page(self, client):
        assert ">登录<" in client.get("/").text
        sign_in(client, UserFactory())
        text = client.get("/").text
        assert ">我的<" in text and ">登录<" not in text

    def test_home_loads_nothing_from_outside_the_portal(self, client):
        import re

        text = client.get("/").text
        sources = re.findall(r'(?:src|href)="([^"]+)"', text)
        loaded = [s for s in re.findall(r'<(?:link|script|img)[^>]+(?:src|href)="([^"]+)"', text)]
        assert loaded and all(s.startswith("/") for s in loaded), loaded
        assert sources

    def test_the_404_page_is_friendly_and_keeps_the_navigation(self, client):
        response = client.get("/no-such-page/")
        assert response.status_code == 404
        assert "页面没有找到" in response.text
        assert 'aria-label="主导航"' in response.text

    def test_the_500_page_is_friendly_and_keeps_the_navigation(self, db):
        request = RequestFactory().get("/")
        from django.contrib.auth.models import AnonymousUser

        request.user = AnonymousUser()
        response = server_error(request)
        assert response.status_code == 500
        text = response.content.decode()
        assert "服务暂时出错" in text
        assert 'aria-label="主导航"' in text

    @pytest.mark.parametrize("path", ["/", "/accounts/login/", "/accounts/register/", "/about/", "/privacy/"])
    @pytest.mark.parametrize("elderly", [False, True])
    def test_public_pages_are_valid_html(self, client, html_checker, path, elderly):
        if elderly:
            client.cookies["elderly"] = "1"
        response = client.get(path)
        assert response.status_code == 200
        html_checker.assert_valid(response.text, path)

    def test_the_404_page_is_valid_html(self, client, html_checker):
        html_checker.assert_valid(client.get("/missing/").text, "404")


@pytest.mark.django_db
def test_staff_sessions_end_after_thirty_idle_minutes_residents_do_not(client):
    import time_machine
    from django.utils import timezone

    from tests.factories import StaffFactory

    staff, resident = StaffFactory(), UserFactory()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        sign_in(client, staff)
        assert client.get(reverse("me")).status_code == 200
    with time_machine.travel(start + timezone.timedelta(minutes=20), tick=False):
        assert client.get(reverse("me")).status_code == 200  # still active: the idle clock restarts
    with time_machine.travel(start + timezone.timedelta(minutes=51), tick=False):
        assert client.get(reverse("me")).status_code == 302  # 31 idle minutes: signed out
    with time_machine.travel(start, tick=False):
        sign_in(client, resident)
        client.get(reverse("me"))
    with time_machine.travel(start + timezone.timedelta(days=3), tick=False):
        assert client.get(reverse("me")).status_code == 200
