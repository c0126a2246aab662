"""Staff's second factor (community/second_factor.py): set up, asked for at sign-in, reset by another superuser."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from community import second_factor
from community.models import AuditEntry
from tests.factories import PASSWORD, StaffFactory, UserFactory
from tests.signing_in import authenticator_code, current_code, sign_in


def log_in(client, user):
    return client.post(reverse("login"), {"username": user.username, "password": PASSWORD}, follow=True)


def set_up_authenticator(client):
    """On the set-up page: type the key the page shows into an "app", and confirm with its six digits."""
    page = client.get(reverse("second_factor_enrol"))
    key = re.search(r'class="otp-key">([^<]+)<', page.text).group(1)
    assert "<svg" in page.text  # the QR code, drawn by the portal itself
    return client.post(reverse("second_factor_enrol"), {"code": authenticator_code(key)})


def a_little_later():
    """Half a minute on: the authenticator shows new digits (each is taken once), and the second that django-otp
    makes a device wait after a wrong code has passed."""
    return time_machine.travel(timezone.now() + timedelta(seconds=31), tick=True)


@pytest.mark.django_db
def test_a_grid_worker_must_set_up_an_authenticator_before_reaching_anything(client):
    worker = StaffFactory(groups=["网格员"])
    landed = log_in(client, worker)
    assert landed.redirect_chain[-1][0].startswith(reverse("second_factor_enrol"))
    assert "必须开启两步验证" in landed.text
    for page in (reverse("me"), "/admin/", reverse("dashboard"), reverse("export", args=["wishes", "csv"])):
        assert client.get(page).url.startswith(reverse("second_factor_enrol")), page

    wrong = client.post(reverse("second_factor_enrol"), {"code": "000000"})
    assert "验证码不正确" in wrong.text and 'value="000000"' in wrong.text
    assert not TOTPDevice.objects.filter(user=worker, confirmed=True).exists()

    with a_little_later():
        codes = set_up_authenticator(client)
    shown = re.findall(r"<li><code>([a-z2-7]+)</code></li>", codes.text)
    assert len(shown) == second_factor.RECOVERY_CODE_COUNT
    assert codes["Cache-Control"] == "private, no-store"
    assert client.get("/admin/").status_code == 200
    assert AuditEntry.objects.filter(action="account.set_up_second_factor", target_id=str(worker.pk)).exists()


@pytest.mark.django_db
def test_staff_with_an_authenticator_give_its_code_after_the_password():
    admin = StaffFactory(is_superuser=True)
    sign_in(Client(), admin)  # sets it up
    device = second_factor.authenticator(admin)

    client = Client()
    landed = log_in(client, admin)
    assert landed.redirect_chain[-1][0].startswith(reverse("second_factor_verify"))
    assert client.get("/admin/community/user/").status_code == 302

    assert "验证码不正确" in client.post(reverse("second_factor_verify"), {"code": "123456"}).text
    with a_little_later():
        code, _step = current_code(device)
        done = client.post(reverse("second_factor_verify") + "?next=/admin/community/user/", {"code": code})
        assert done.url == "/admin/community/user/"
        assert client.get("/admin/community/user/").status_code == 200

        # The same six digits do not open a second session.
        thief = Client()
        log_in(thief, admin)
        assert "验证码不正确" in thief.post(reverse("second_factor_verify"), {"code": code}).text
        assert thief.get("/admin/").status_code == 302


@pytest.mark.django_db
def test_a_recovery_code_works_once():
    admin = StaffFactory(is_superuser=True)
    client = Client()
    log_in(client, admin)
    codes = re.findall(r"<li><code>([a-z2-7]+)</code></li>", set_up_authenticator(client).text)

    first, second = Client(), Client()
    log_in(first, admin)
    used = first.post(reverse("second_factor_verify"), {"code": codes[0].upper()}, follow=True)
    assert "您用了一个恢复码，还剩 9 个" in used.text
    log_in(second, admin)
    assert "验证码不正确" in second.post(reverse("second_factor_verify"), {"code": codes[0]}).text


@pytest.mark.django_db
def test_an_editor_may_set_one_up_and_a_resident_is_not_offered_one(client):
    editor = StaffFactory(groups=["编辑"])
    assert log_in(client, editor).redirect_chain[-1][0] == reverse("me")  # not required of an editor
    security = client.get(reverse("account_security"))
    assert "开启两步验证" in security.text
    set_up_authenticator(client)
    assert "已开启" in client.get(reverse("account_security")).text

    resident = Client()
    log_in(resident, UserFactory())
    assert "两步验证" not in resident.get(reverse("account_security")).text
    assert resident.get(reverse("second_factor_enrol")).status_code == 403


@pytest.mark.django_db
def test_a_verified_session_costs_no_query_per_request(client, settings):
    worker = StaffFactory(groups=["网格员"])
    sign_in(client, worker)
    client.get(reverse("me"))
    with CaptureQueriesContext(connection) as with_second_factor:
        assert client.get(reverse("me")).status_code == 200
    assert not [q["sql"] for q in with_second_factor.captured_queries if "otp_" in q["sql"]]

    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != "community.second_factor.SecondFactorMiddleware"]
    client.get(reverse("me"))
    with CaptureQueriesContext(connection) as without:
        client.get(reverse("me"))
    assert len(with_second_factor) == len(without)


@pytest.mark.django_db
def test_a_lost_phone_is_reset_by_another_superuser_and_the_audit_trail_says_so():
    owner, other = StaffFactory(is_superuser=True), StaffFactory(is_superuser=True)
    sign_in(Client(), owner)
    admin = sign_in(Client(), other)
    changelist = reverse("admin:community_user_changelist")

    own = admin.post(changelist, {"action": "reset_second_factor", "_selected_action": [other.pk]}, follow=True)
    assert "不能重置自己的两步验证" in own.text
    assert TOTPDevice.objects.filter(user=other).exists()

    done = admin.post(changelist, {"action": "reset_second_factor", "_selected_action": [owner.pk]}, follow=True)
    assert "已重置" in done.text
    assert not TOTPDevice.objects.filter(user=owner).exists() and not StaticDevice.objects.filter(user=owner).exists()
    entry = AuditEntry.objects.get(action="account.reset_second_factor", target_id=str(owner.pk))
    assert entry.actor == other

    # The owner sets up her new phone at the next sign-in.
    again = Client()
    assert log_in(again, owner).redirect_chain[-1][0].startswith(reverse("second_factor_enrol"))


@pytest.mark.django_db
def test_a_grid_worker_cannot_reset_anyone(client):
    target = StaffFactory(is_superuser=True)
    sign_in(Client(), target)
    worker = StaffFactory(groups=["网格员"])
    sign_in(client, worker)
    client.post(
        reverse("admin:community_user_changelist"), {"action": "reset_second_factor", "_selected_action": [target.pk]}
    )
    assert TOTPDevice.objects.filter(user=target).exists()
    assert not AuditEntry.objects.filter(action="account.reset_second_factor").exists()


@pytest.mark.django_db
def test_codes_cannot_be_guessed_quickly(client, settings):
    admin = StaffFactory(is_superuser=True)
    sign_in(Client(), admin)
    log_in(client, admin)
    answers = [client.post(reverse("second_factor_verify"), {"code": f"{n:06d}"}) for n in range(12)]
    assert answers[-1].status_code == 429 and int(answers[-1]["Retry-After"]) > 0


@pytest.mark.django_db
def test_someone_with_only_the_password_never_sees_the_key_the_owner_will_scan():
    worker = StaffFactory(groups=["网格员"])
    thief, owner = Client(), Client()
    log_in(thief, worker)
    stolen = re.search(r'class="otp-key">([^<]+)<', thief.get(reverse("second_factor_enrol")).text).group(1)
    log_in(owner, worker)
    set_up_authenticator(owner)
    assert second_factor.key_for_typing(second_factor.authenticator(worker)) != stolen
    # And the thief's enrolment is over: the account has an authenticator, whose code he must give.
    answer = thief.post(reverse("second_factor_enrol"), {"code": authenticator_code(stolen)})
    assert answer.url == reverse("second_factor_verify")
    assert thief.get(reverse("me")).url.startswith(reverse("second_factor_verify"))  # asked for it, no loop
    assert thief.get(reverse("second_factor_verify")).status_code == 200
    assert TOTPDevice.objects.filter(user=worker).count() == 1


@pytest.mark.django_db
def test_a_session_from_before_the_second_factor_is_asked_for_it_and_cannot_replace_it(client):
    admin = StaffFactory(is_superuser=True)
    sign_in(Client(), admin)  # an authenticator, set up elsewhere
    sign_in(client, admin)
    session = client.session
    del session[second_factor.SESSION_KEY]  # as a session opened before this portal asked for second steps
    session.save()
    assert client.get("/admin/").url.startswith(reverse("second_factor_verify"))
    assert client.get(reverse("second_factor_enrol")).url.startswith(reverse("second_factor_verify"))
    assert client.post(reverse("new_recovery_codes")).url.startswith(reverse("second_factor_verify"))
    assert TOTPDevice.objects.filter(user=admin, confirmed=True).count() == 1
