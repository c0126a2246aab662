"""The audit trail: admin changes are recorded with masked personal data, and cannot be edited."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from community import audit
from community.models import AuditEntry, ContactView
from tests.factories import ArticleFactory, StaffFactory, UserFactory
from tests.signing_in import sign_in
from tests.wishes.helpers import make_wish

pytestmark = pytest.mark.django_db


def test_record_masks_personal_fields():
    staff = StaffFactory(display_name="刘晓燕")
    resident = UserFactory()
    entry = audit.record(
        actor=staff,
        action="wish.close",
        target=resident,
        changes={"contact_phone": ("13812345678", ""), "status": ("published", "closed")},
        note="重复提交",
    )
    assert entry.changes == {"contact_phone": ["138****5678", ""], "status": ["published", "closed"]}
    assert entry.actor_name == "刘晓燕"


def test_an_admin_change_is_recorded_with_before_and_after(client):
    article = ArticleFactory(title="旧标题")
    staff = StaffFactory(is_superuser=True)
    sign_in(client, staff)
    data = {
        "title": "新标题",
        "column": article.column_id,
        "summary": "",
        "body": article.body,
        "cover_alt": "",
        "source": article.source,
        "author": "",
        "publish_at_0": article.publish_at.strftime("%Y-%m-%d"),
        "publish_at_1": article.publish_at.strftime("%H:%M:%S"),
        "status": "published",
    }
    response = client.post(f"/admin/news/article/{article.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    entry = AuditEntry.objects.get(action="article.change")
    assert entry.actor == staff and entry.target_id == str(article.pk)
    assert entry.changes["title"] == ["旧标题", "新标题"]


def test_nobody_can_edit_or_delete_the_trail(client):
    entry = audit.record(actor=StaffFactory(), action="x", target=UserFactory())
    sign_in(client, StaffFactory(is_superuser=True))
    assert client.get(f"/admin/community/auditentry/{entry.pk}/change/").status_code == 200  # view only
    assert client.post(f"/admin/community/auditentry/{entry.pk}/delete/").status_code == 403
    assert client.get("/admin/community/auditentry/add/").status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_seeing_the_same_details_on_the_same_page_is_recorded_once_an_hour(client):
    wish = make_wish(status="claimed")
    claimant = wish.live_claim.claimant
    sign_in(client, claimant)
    for _ in range(3):
        client.get(wish.get_absolute_url())
    assert ContactView.objects.filter(subject=wish.owner, viewer=claimant).count() == 1
    with time_machine.travel(timezone.now() + timedelta(hours=1, minutes=1)):
        client.get(wish.get_absolute_url())
    assert ContactView.objects.filter(subject=wish.owner, viewer=claimant).count() == 2
