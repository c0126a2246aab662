"""The demo's 双报到: five in-service members, a unit waiting, last year's sheet ready to print."""

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from community.contributions import service_of, service_totals
from community.models import User
from party.models import FeedbackSheet, InServiceMember, ServicePost
from tests.signing_in import sign_in
from volunteers.models import PartnerUnit


@pytest.mark.django_db
def test_the_demo_has_in_service_members_a_waiting_unit_and_a_sheet_to_print(settings, tmp_path, client):
    settings.DATA_DIR = tmp_path
    call_command("load_demo")
    call_command("load_demo")  # idempotent

    assert ServicePost.objects.count() >= 5
    assert InServiceMember.objects.filter(status="approved").count() == 5
    assert PartnerUnit.objects.filter(registration="pending").count() == 1
    assert "江滨实验小学" not in client.get(reverse("volunteers:units")).content.decode()
    year = timezone.localdate().year
    partner = User.objects.get(username="partner")
    assert service_totals(service_of(partner, year)).activities >= 1

    sheets = FeedbackSheet.objects.filter(year=year - 1)
    assert sheets.count() == 2 and not sheets.filter(seen_at__isnull=True).exists()
    sign_in(client, User.objects.get(username="staff"))
    unit = PartnerUnit.objects.get(name="市委党校")
    page = client.get(reverse("party:unit_feedback", kwargs={"pk": unit.pk, "year": year - 1})).content.decode()
    assert "郑立新" in page and "卢文博" in page and "党员进社区·政策宣讲" in page and "感谢社区" in page
