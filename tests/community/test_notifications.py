"""Notifications: the inbox, email through the outbox, and the staff call list."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from community.models import Notification
from community.notifications import notify, send_pending_emails
from tests.factories import StaffFactory, UserFactory
from tests.signing_in import sign_in

pytestmark = pytest.mark.django_db


def test_a_notification_lands_in_the_inbox_and_email_waits_for_the_outbox(settings):
    settings.EMAIL_ENABLED = True
    person = UserFactory(email="wang@example.cn", display_name="王秀英")
    notify(person, "您的心愿已被认领", url="/wishes/1/")
    assert mail.outbox == []  # nothing is sent inside the request
    assert send_pending_emails(site_url="https://shequ.example.cn") == 1
    assert mail.outbox[0].to == ["wang@example.cn"]
    assert "王秀英，您好" in mail.outbox[0].body and "https://shequ.example.cn/wishes/1/" in mail.outbox[0].body
    assert Notification.objects.get().email_status == Notification.Email.SENT
    assert send_pending_emails() == 0  # never twice


def test_people_without_email_get_no_email(settings):
    settings.EMAIL_ENABLED = True
    notify(UserFactory(email=""), "活动时间有变动")
    assert Notification.objects.get().email_status == Notification.Email.NONE
    assert send_pending_emails() == 0


def test_a_failing_mail_server_is_retried_then_given_up(settings):
    settings.EMAIL_ENABLED = True
    settings.EMAIL_BACKEND = "tests.community.test_notifications.BrokenBackend"
    notify(UserFactory(email="li@example.cn"), "测试")
    for _ in range(5):
        assert send_pending_emails() == 0
    notification = Notification.objects.get()
    assert notification.email_status == Notification.Email.FAILED and notification.email_attempts == 5


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")


class TestInbox:
    def test_the_header_shows_the_unread_count(self, client):
        person = UserFactory()
        notify(person, "一")
        notify(person, "二")
        sign_in(client, person)
        assert 'class="nav-badge">2<' in client.get("/").text

    def test_opening_a_notification_marks_it_read_and_follows_its_link(self, client):
        person = UserFactory()
        notification = notify(person, "您的心愿已被认领", url="/news/")
        sign_in(client, person)
        response = client.get(reverse("open_notification", kwargs={"pk": notification.pk}))
        assert response.url == "/news/"
        notification.refresh_from_db()
        assert notification.read_at is not None

    def test_a_link_to_another_site_is_not_followed(self, client):
        person = UserFactory()
        notification = notify(person, "x", url="https://evil.example.com/")
        sign_in(client, person)
        assert client.get(reverse("open_notification", kwargs={"pk": notification.pk})).url == reverse("inbox")

    def test_nobody_opens_someone_else_s_notification(self, client):
        notification = notify(UserFactory(), "私事")
        sign_in(client, UserFactory())
        assert client.get(reverse("open_notification", kwargs={"pk": notification.pk})).status_code == 404
        notification.refresh_from_db()
        assert notification.read_at is None
        assert "私事" not in client.get(reverse("inbox")).text

    def test_everything_can_be_marked_read_at_once(self, client):
        person = UserFactory()
        notify(person, "一")
        notify(person, "二")
        sign_in(client, person)
        assert client.get(reverse("read_all_notifications")).status_code == 405
        client.post(reverse("read_all_notifications"))
        assert not Notification.objects.unread().exists()

    def test_the_inbox_is_valid_html(self, client, html_checker):
        person = UserFactory()
        notify(person, "您的心愿已被认领", body="志愿者会和您联系。", url="/")
        sign_in(client, person)
        html_checker.assert_valid(client.get(reverse("inbox")).text, "inbox")


class TestCallList:
    def old(self, notification, hours=30):
        Notification.objects.filter(pk=notification.pk).update(created=timezone.now() - timedelta(hours=hours))

    def test_residents_without_email_who_have_not_logged_in_are_listed(self, client):
        offline = UserFactory(username="13912345678", email="", display_name="刘淑芬")
        self.old(notify(offline, "您的心愿已被认领"))
        online = UserFactory(email="", last_login=timezone.now())
        self.old(notify(online, "看到了"))
        with_email = UserFactory(email="a@example.cn")
        self.old(notify(with_email, "有邮件"))
        self.old(notify(UserFactory(email=""), "太新了"), hours=1)
        sign_in(client, StaffFactory(groups=["网格员"]))
        response = client.get(reverse("call_list"))
        assert [n.title for n in response.context["object_list"]] == ["您的心愿已被认领"]
        assert "13912345678" in response.text and "刘淑芬" in response.text

    def test_a_call_is_recorded_and_leaves_the_list(self, client):
        notification = notify(UserFactory(email=""), "您的心愿已被认领")
        self.old(notification)
        staff = StaffFactory(groups=["网格员"])
        sign_in(client, staff)
        client.post(reverse("mark_phoned", kwargs={"pk": notification.pk}))
        notification.refresh_from_db()
        assert notification.phoned_by == staff
        assert list(client.get(reverse("call_list")).context["object_list"]) == []

    @pytest.mark.parametrize("who", ["resident", "editor"])
    def test_only_staff_who_phone_residents_see_the_list(self, client, who):
        sign_in(client, UserFactory() if who == "resident" else StaffFactory(groups=["编辑"]))
        assert client.get(reverse("call_list")).status_code == 403
