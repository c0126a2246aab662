"""A second factor for staff: a code from an authenticator app (TOTP, django-otp), or a recovery code.

Staff may set one up from 我的 → 账户安全; accounts that may export personal
data must (``must_have``). Whether this session still owes its second step is
decided once, at sign-in, and kept in the session, so that a verified session
costs no query per request (django-otp's own middleware loads the device on
every request). ``SecondFactorMiddleware`` lets a session that owes it reach
only the pages that take it, and signing out.

A lost phone: another superuser resets the account's second factor in the
admin (``reset``, which the audit trail records); the owner sets up a new one
at the next sign-in.
"""

from base64 import b32encode
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from community import audit

SESSION_KEY = "second_factor"
ENROLMENT_KEY = "second_factor_enrolment"
VERIFY, ENROL, DONE, NONE = "verify", "enrol", "done", "none"
RECOVERY_CODE_COUNT = 10
DEVICE_NAME = "authenticator"


def must_have(user):
    """Accounts that may export personal data cannot sign in with a password alone."""
    return user.is_staff and user.has_perm("community.export_personal_data")


def may_have(user):
    return user.is_staff


def authenticator(user, *, confirmed=True):
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).order_by("-pk").first()


def owed_at_sign_in(user):
    """What a new session of ``user`` owes before it reaches anything: VERIFY, ENROL or nothing (None)."""
    if not may_have(user):
        return None
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return VERIFY
    return ENROL if must_have(user) else None


@receiver(user_logged_in, dispatch_uid="community.second_factor.signed_in")
def _owe_at_sign_in(sender, request, user, **kwargs):
    session = getattr(request, "session", None)
    if session is None:
        return
    session[SESSION_KEY] = owed_at_sign_in(user) or NONE


def owed(request):
    """What this session owes: VERIFY, ENROL, DONE (given) or NONE; worked out now for a session from before
    (signed in before the second factor existed here), once, and kept."""
    session = getattr(request, "session", None)
    if session is None:
        return None
    state = session.get(SESSION_KEY)
    if state is None and request.user.is_authenticated:
        state = session[SESSION_KEY] = owed_at_sign_in(request.user) or NONE
    return state


def may_change_authenticator(request):
    """Replacing the authenticator or its recovery codes takes a session that gave the current one (if any).

    A session that may not is asked for the current one from now on (it may have been setting one up while
    another session of the account finished first)."""
    if owed(request) == DONE or authenticator(request.user) is None:
        return True
    request.session[SESSION_KEY] = VERIFY
    return False


def verify(user, code):
    """The device that accepts ``code`` (an authenticator's six digits or a recovery code), or None.

    django-otp throttles each device after failures and refuses a TOTP code used once already.
    """
    code = "".join((code or "").split()).lower()
    if not code:
        return None
    with transaction.atomic():
        devices = TOTPDevice.objects.filter(user=user, confirmed=True) if code.isdigit() else []
        devices = [*devices, *StaticDevice.objects.filter(user=user, confirmed=True)]
        for device in devices:
            # Locked one at a time, as django-otp's own verify_token does, so that a code is used once only.
            device = type(device).objects.select_for_update().get(pk=device.pk)
            if device.verify_token(code):
                return device
    return None


def mark_verified(request):
    """This session has given its second step: a new session key, and nothing more owed."""
    request.session.cycle_key()
    request.session[SESSION_KEY] = DONE


def start_enrolment(user, session=None):
    """The unconfirmed authenticator this session's enrolment page shows: the same one until it is confirmed, and
    never one another session saw (someone holding only the password must not learn the key the owner scans)."""
    if session is not None:
        device = TOTPDevice.objects.filter(user=user, confirmed=False, pk=session.get(ENROLMENT_KEY)).first()
        if device is not None:
            return device
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    if session is not None:
        session[ENROLMENT_KEY] = device.pk
    return device


@transaction.atomic
def confirm_enrolment(user, device):
    """The authenticator is set up: it replaces any earlier one, and fresh recovery codes are made."""
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return new_recovery_codes(user)


@transaction.atomic
def new_recovery_codes(user):
    """Replace the account's recovery codes; returns them (they are shown once)."""
    static, _created = StaticDevice.objects.get_or_create(user=user, name="recovery", defaults={"confirmed": True})
    static.token_set.all().delete()
    codes = [StaticToken.random_token() for _n in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=static, token=code) for code in codes)
    return codes


def is_recovery_code(device):
    return isinstance(device, StaticDevice)


def recovery_codes(user):
    return list(StaticToken.objects.filter(device__user=user, device__confirmed=True).values_list("token", flat=True))


def recovery_codes_left(user):
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@transaction.atomic
def reset(user, *, by):
    """A lost phone: the account's authenticator and recovery codes are removed, by another superuser."""
    if not by.is_superuser or by.pk == user.pk:
        raise PermissionError("a second factor is reset by another superuser")
    removed = TOTPDevice.objects.filter(user=user).delete()[0] + StaticDevice.objects.filter(user=user).delete()[0]
    audit.record(actor=by, action="account.reset_second_factor", target=user, note=f"removed {removed}")
    return removed


def otpauth_uri(device):
    return device.config_url


def qr_svg(device):
    """The otpauth URI as an inline SVG QR code (made here: nothing is loaded from outside the portal)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=5, dark="#000", light="#fff", omitsize=True)


def key_for_typing(device):
    """The secret in base32, in groups of four, for apps set up by typing it."""
    text = b32encode(device.bin_key).decode()
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


# Pages a session that owes its second step may reach.
def _open_paths():
    return {
        reverse("second_factor_verify"),
        reverse("second_factor_enrol"),
        reverse("logout"),
        reverse("elderly_mode"),
        reverse("healthz"),
        reverse("readyz"),
    }


class SecondFactorMiddleware:
    """A session that owes its second step reaches only the pages that take it (and signing out).

    Reads the session only: a verified session costs no query here.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        state = owed(request) if request.user.is_authenticated else None
        if state in (VERIFY, ENROL) and not self._open(request.path):
            target = reverse("second_factor_verify" if state == VERIFY else "second_factor_enrol")
            wanted = request.get_full_path() if request.method == "GET" else ""
            return redirect(f"{target}?{urlencode({'next': wanted})}" if wanted else target)
        return self.get_response(request)

    @staticmethod
    def _open(path):
        return path.startswith(settings.STATIC_URL) or path in _open_paths()
