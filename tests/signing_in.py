"""Signing in as the login form does, second step included: for tests and the benchmark.

``sign_in`` starts the session with ``force_login`` (the password step is
tested on its own) and then completes the second step through its real pages,
so that staff who must have one reach their pages as they would in a browser.
"""

from base64 import b32decode

from django.conf import settings
from django.urls import reverse
from django_otp.oath import TOTP, totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from community import second_factor


def sign_in(client, user, *, backend="community.backends.LoginNameBackend"):
    client.force_login(user, backend=backend)
    complete_second_step(client, user)
    return client


def current_code(device):
    """The six digits the owner's authenticator app shows now."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}", totp.t()


def authenticator_code(key):
    """The six digits an authenticator app set up by typing ``key`` (base32, as the set-up page shows it) shows now."""
    return f"{totp(b32decode(key.replace(' ', ''))):06d}"


def recovery_code(user):
    """A fresh recovery code, as if the owner read one off their sheet."""
    device, _created = StaticDevice.objects.get_or_create(user=user, name="recovery", defaults={"confirmed": True})
    code = StaticToken.random_token()
    device.token_set.create(token=code)
    return code


def complete_second_step(client, user):
    owed = client.session.get(second_factor.SESSION_KEY)
    if owed == second_factor.ENROL:
        page = reverse("second_factor_enrol")
        client.get(
            page, secure=settings.SECURE_SSL_REDIRECT
        )  # makes the authenticator the page shows, and gives the form's CSRF cookie
        code, _step = current_code(second_factor.authenticator(user, confirmed=False))
        response = client.post(page, {"code": code, **_csrf(client)}, secure=settings.SECURE_SSL_REDIRECT)
        assert response.status_code == 200 and "恢复码" in response.text, response.status_code
    elif owed == second_factor.VERIFY:
        page = reverse("second_factor_verify")
        client.get(page, secure=settings.SECURE_SSL_REDIRECT)
        device = second_factor.authenticator(user)
        code, step = current_code(device)
        if step <= device.last_t:  # this code was used already (django-otp refuses it twice)
            code = recovery_code(user)
        response = client.post(page, {"code": code, **_csrf(client)}, secure=settings.SECURE_SSL_REDIRECT)
        assert response.status_code == 302, response.status_code
    assert client.session.get(second_factor.SESSION_KEY) in (None, second_factor.NONE, second_factor.DONE)


def _csrf(client):
    """The form's CSRF token, for clients that check it (``Client(enforce_csrf_checks=True)``)."""
    cookie = client.cookies.get("csrftoken")
    return {"csrfmiddlewaretoken": cookie.value} if cookie else {}
