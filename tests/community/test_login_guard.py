"""Password guessing limits (community/login_guard.py), on the portal's login form and the admin's."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from community.models import Notification
from community.ratelimit import account_digest
from tests.factories import PASSWORD, StaffFactory, UserFactory

LOGIN_FORMS = [reverse("login"), "/admin/login/"]


def attempt(client, form, username, password, address):
    return client.post(form, {"username": username, "password": password}, REMOTE_ADDR=address)


@pytest.fixture
def hashes(monkeypatch):
    """How many times a password was checked against its hash."""
    checked = []
    original = get_user_model().check_password

    def counting(user, raw):
        checked.append(user.username)
        return original(user, raw)

    monkeypatch.setattr(get_user_model(), "check_password", counting)
    return checked


@pytest.mark.django_db
@pytest.mark.parametrize("form", LOGIN_FORMS)
def test_a_guesser_spreading_tries_over_many_addresses_gets_no_more_than_from_one(form, settings, hashes):
    StaffFactory(username="liuxiaoyan")
    limit = settings.LOGIN_FAILURE_LIMITS["account"]
    for n in range(limit):
        attempt(Client(), form, "liuxiaoyan", f"guess-{n}", f"198.51.100.{n + 1}")
    assert len(hashes) == limit
    # From yet another address, even the right password is refused, before it is checked.
    refused = attempt(Client(), form, "LiuXiaoYan", PASSWORD, "203.0.113.9")
    assert refused.status_code == 429
    assert len(hashes) == limit
    assert 0 < int(refused["Retry-After"]) <= settings.LOGIN_LOCKOUT_MINUTES * 60
    assert "登录失败次数过多" in refused.text and "找回密码" in refused.text


@pytest.mark.django_db
def test_signing_in_does_not_count_towards_any_limit(settings):
    UserFactory(username="wangxiuying")
    client = Client()
    for _n in range(settings.LOGIN_FAILURE_LIMITS["account"] * 3):
        assert attempt(client, reverse("login"), "wangxiuying", PASSWORD, "10.0.0.5").status_code == 302
        client.post(reverse("logout"))


@pytest.mark.django_db
def test_a_browser_that_signed_in_before_gets_through_while_strangers_are_held_back(settings):
    owner = UserFactory(username="13800001111")
    her_phone = Client()
    assert attempt(her_phone, reverse("login"), "13800001111", PASSWORD, "10.0.0.7").status_code == 302
    her_phone.post(reverse("logout"))

    stranger = Client()
    for n in range(settings.LOGIN_FAILURE_LIMITS["account"]):
        attempt(stranger, reverse("login"), "138 0000 1111", f"guess-{n}", "203.0.113.1")
    assert attempt(stranger, reverse("login"), "13800001111", PASSWORD, "203.0.113.1").status_code == 429
    assert attempt(Client(), reverse("login"), "13800001111", PASSWORD, "203.0.113.2").status_code == 429

    # Her own phone, from wherever she is, with the right password.
    assert attempt(her_phone, reverse("login"), "13800001111", PASSWORD, "10.0.0.99").status_code == 302
    assert her_phone.get(reverse("me")).context["user"] == owner


@pytest.mark.django_db
def test_a_known_device_has_its_own_limit_and_a_forged_cookie_is_a_stranger(settings):
    UserFactory(username="lijianguo")
    phone = Client()
    attempt(phone, reverse("login"), "lijianguo", PASSWORD, "10.0.0.8")
    phone.post(reverse("logout"))
    for n in range(settings.LOGIN_FAILURE_LIMITS["device"]):
        attempt(phone, reverse("login"), "lijianguo", f"typo-{n}", "10.0.0.8")
    assert attempt(phone, reverse("login"), "lijianguo", PASSWORD, "10.0.0.8").status_code == 429

    forged = Client()
    forged.cookies["known_device"] = phone.cookies["known_device"].value[:-4] + "AAAA"
    # The device's failures did not count against the account: a stranger may still try.
    assert attempt(forged, reverse("login"), "lijianguo", PASSWORD, "10.0.0.9").status_code == 302


@pytest.mark.django_db
def test_a_care_home_behind_one_address_is_not_held_back_by_its_residents_typos(settings):
    address = "192.0.2.50"
    for n in range(30):
        UserFactory(username=f"1390000{n:04d}")
    for n in range(30):
        tablet = Client()
        assert attempt(tablet, reverse("login"), f"1390000{n:04d}", "typo", address).status_code == 200
        assert attempt(tablet, reverse("login"), f"1390000{n:04d}", PASSWORD, address).status_code == 302


@pytest.mark.django_db
def test_the_per_address_limit_still_holds_a_scripted_guesser_back(settings):
    settings.LOGIN_FAILURE_LIMITS = {**settings.LOGIN_FAILURE_LIMITS, "address": 8}
    for n in range(8):
        attempt(Client(), reverse("login"), f"someone{n}", "guess", "203.0.113.77")
    refused = attempt(Client(), reverse("login"), "someone-else", "guess", "203.0.113.77")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0


@pytest.mark.django_db
def test_the_holder_hears_when_strangers_were_held_back_at_most_once_a_day(settings):
    settings.EMAIL_ENABLED = True
    owner = UserFactory(username="zhaojianhua", email="zjh@example.org")
    limit = settings.LOGIN_FAILURE_LIMITS["account"]
    notices = Notification.objects.filter(recipient=owner, title__contains="有人尝试登录您的账号")
    for n in range(limit - 1):
        attempt(Client(), reverse("login"), "zhaojianhua", f"typo-{n}", f"198.51.100.{n + 1}")
    assert not notices.exists()  # a few typos are nobody's business
    attempt(Client(), reverse("login"), "zhaojianhua", "guess", "198.51.100.50")
    assert notices.count() == 1 and notices.get().email_status == Notification.Email.PENDING
    with time_machine.travel(timezone.now() + timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES + 1)):
        for n in range(limit):
            attempt(Client(), reverse("login"), "zhaojianhua", f"again-{n}", "198.51.100.60")
    assert notices.count() == 1
    # Nobody is told anything about a name that has no account.
    for _n in range(limit):
        attempt(Client(), reverse("login"), "no-such-person", "guess", "198.51.100.9")
    assert Notification.objects.count() == 1


@pytest.mark.django_db
def test_strangers_behind_the_owners_router_do_not_lock_her_known_phone_out(settings):
    settings.LOGIN_FAILURE_LIMITS = {**settings.LOGIN_FAILURE_LIMITS, "address": 5}
    UserFactory(username="13800002222")
    her_phone = Client()
    attempt(her_phone, reverse("login"), "13800002222", PASSWORD, "192.0.2.1")
    her_phone.post(reverse("logout"))
    for n in range(5):
        attempt(Client(), reverse("login"), f"someone{n}", "guess", "192.0.2.1")
    assert attempt(Client(), reverse("login"), "13800002222", PASSWORD, "192.0.2.1").status_code == 429
    assert attempt(her_phone, reverse("login"), "13800002222", PASSWORD, "192.0.2.1").status_code == 302


def test_a_name_in_another_letter_case_is_the_same_account_for_the_limit():
    assert account_digest("admın") == account_digest("ADMIN") == account_digest("Admin")


@pytest.mark.django_db
def test_the_owner_resets_her_password_on_a_new_phone_and_signs_in_there(settings):
    owner = UserFactory(username="sunliping", email="slp@example.org")
    for n in range(settings.LOGIN_FAILURE_LIMITS["account"]):
        attempt(Client(), reverse("login"), "sunliping", f"guess-{n}", "203.0.113.5")
    new_phone = Client()
    assert attempt(new_phone, reverse("login"), "sunliping", PASSWORD, "10.1.1.1").status_code == 429

    new_phone.post(reverse("password_reset"), {"email": "slp@example.org"}, REMOTE_ADDR="10.1.1.1")
    link = next(line for line in mail.outbox[-1].body.splitlines() if "/accounts/password/reset/" in line).strip()
    path = link[link.index("/accounts/") :]
    set_password = new_phone.get(path, follow=True).redirect_chain[-1][0]
    done = new_phone.post(set_password, {"new_password1": "新的密码-Abc-2026", "new_password2": "新的密码-Abc-2026"})
    assert done.status_code == 302
    assert attempt(new_phone, reverse("login"), "sunliping", "新的密码-Abc-2026", "10.1.1.1").status_code == 302
    assert urlsafe_base64_encode(force_bytes(owner.pk)) in path
