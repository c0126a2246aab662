"""Personal-data rights: who saw my contact details, download my data, delete my account, retention, moderation."""

import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from community.models import ContactView, Notification, User
from community.periodic import run_due_jobs
from tests.factories import PASSWORD, StaffFactory, UserFactory
from tests.signing_in import sign_in
from tests.wishes.helpers import make_volunteer, make_wish
from wishes.models import DELETED_RESIDENT, Wish

pytestmark = pytest.mark.django_db


def test_a_resident_sees_who_saw_their_contact_details(client):
    owner = UserFactory(display_name="王秀英")
    wish = make_wish(owner=owner)
    claimant = make_volunteer(user=UserFactory(display_name="孙晓东"))
    wish.claim(by=claimant)
    sign_in(client, claimant)
    client.get(wish.get_absolute_url())
    sign_in(client, owner)
    text = client.get(reverse("me")).text
    assert "认领人 孙**" in text and "需要一袋大米和食用油" in text


def test_the_download_holds_the_resident_s_own_data(client):
    owner = UserFactory(username="13912345678", display_name="王秀英", email="wang@example.cn")
    make_wish(owner=owner)
    sign_in(client, owner)
    response = client.get(reverse("my_data"))
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    assert data["account"]["login"] == "13912345678" and data["account"]["email"] == "wang@example.cn"
    assert data["wishes"][0]["contact_phone"] == "13812345678"
    assert data["wishes"][0]["contact_address"] == "团结巷3栋2单元401"


def test_the_download_is_one_s_own(client):
    sign_in(client, UserFactory())
    make_wish(owner=UserFactory())
    assert json.loads(client.get(reverse("my_data")).content)["wishes"] == []
    client.logout()
    assert client.get(reverse("my_data")).status_code == 302


class TestDeletingAnAccount:
    def test_deleting_needs_the_password(self, client):
        user = UserFactory()
        sign_in(client, user)
        response = client.post(reverse("delete_account"), {"password": "wrong"})
        assert "密码不正确" in response.text
        assert User.objects.get(pk=user.pk).is_active

    def test_personal_details_go_and_the_public_history_stays_anonymised(self, client):
        owner = UserFactory(username="13912345678", display_name="王秀英", email="wang@example.cn")
        done = make_wish(owner=owner, status="confirmed", title="需要一床厚棉被")
        waiting = make_wish(owner=owner, status="published", title="想学用智能手机")
        sign_in(client, owner)
        response = client.post(reverse("delete_account"), {"password": PASSWORD})
        assert response.status_code == 302
        owner.refresh_from_db()
        assert not owner.is_active and owner.username.startswith("deleted-") and owner.email == ""
        assert not owner.has_usable_password()
        done.refresh_from_db()
        assert done.owner is None and done.contact_phone == "" and done.contact_address == ""
        assert done.public_name == DELETED_RESIDENT
        assert Wish.objects.get(pk=waiting.pk).status == Wish.Status.WITHDRAWN
        assert "已注销居民" in client.get(done.get_absolute_url()).text
        assert not client.post(reverse("login"), {"username": "13912345678", "password": PASSWORD}).status_code == 302
        assert not Notification.objects.filter(recipient=owner).exists()


def test_contact_details_of_finished_wishes_are_erased_after_the_retention_period(settings):
    settings.WISH_CONTACT_RETENTION_DAYS = 90
    old = make_wish(status="confirmed")
    recent = make_wish(status="confirmed")
    still_open = make_wish(status="claimed")
    Wish.objects.filter(pk=old.pk).update(finished_at=timezone.now() - timedelta(days=91))
    run_due_jobs(only=["wishes.erase_old_contacts"])
    old.refresh_from_db()
    assert old.contact_phone == "" and old.contact_address == "" and old.contact_erased_at
    assert Wish.objects.get(pk=recent.pk).contact_phone == "13812345678"
    assert Wish.objects.get(pk=still_open.pk).contact_phone == "13812345678"


class TestModeration:
    def test_staff_hide_a_thank_you_and_its_author_sees_why(self, client):
        wish = make_wish(status="fulfilled")
        wish.confirm(by=wish.owner, thanks="不太文明的一句话")
        sign_in(client, StaffFactory(groups=["审核员"]))
        client.post(reverse("wishes:hide_thanks", kwargs={"pk": wish.pk}), {"reason": "含有不文明用语"})
        client.logout()
        assert "不太文明的一句话" not in client.get(reverse("wishes:wall")).text
        assert "不太文明的一句话" not in client.get(wish.get_absolute_url()).text
        assert (
            Notification.objects.get(recipient=wish.owner, title__contains="感谢留言已被隐藏").body
            == "原因：含有不文明用语"
        )
        sign_in(client, wish.owner)
        assert "含有不文明用语" in client.get(wish.get_absolute_url()).text

    def test_residents_cannot_hide_anything(self, client):
        wish = make_wish(status="fulfilled")
        wish.confirm(by=wish.owner, thanks="谢谢")
        sign_in(client, make_volunteer())
        assert client.post(reverse("wishes:hide_thanks", kwargs={"pk": wish.pk}), {"reason": "x"}).status_code == 403
        assert Wish.objects.get(pk=wish.pk).thanks_hidden_reason == ""


def test_the_demo_loads_with_contact_views_and_moderation_fields(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    call_command("load_demo")
    assert ContactView.objects.count() == 0
