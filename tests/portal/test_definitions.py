"""One word, one meaning: the home page, the wish wall and the dashboard count "fulfilled" the same way."""

import pytest
from django.urls import reverse

from portal import dashboard
from tests.factories import StaffFactory
from tests.wishes.helpers import make_member, make_volunteer, make_wish
from wishes.views import wall_counts

pytestmark = pytest.mark.django_db


def home_figure(client, label):
    page = client.get(reverse("home")).text
    start = page.index(f"<dt>{label}</dt>")
    return int(page[start:].split("<dd>", 1)[1].split("</dd>", 1)[0])


def test_a_wish_fulfilled_and_then_closed_counts_nowhere_as_fulfilled(client):
    kept = make_wish(status="fulfilled", title="已实现的心愿")
    closed = make_wish(status="fulfilled", title="实现后被关闭的心愿")
    closed.close(by=StaffFactory(groups=["审核员"]), reason="居民反映并没有收到")
    this_month = dashboard.Period.preset("this_month")

    assert home_figure(client, "今年实现心愿") == 1
    assert wall_counts()["fulfilled_this_month"] == 1
    assert dashboard.dashboard(this_month)["wishes"]["totals"]["fulfilled"] == 1
    assert kept.fulfilled_at and closed.fulfilled_at  # both were fulfilled once


def test_a_units_fulfilled_wishes_count_the_same_on_its_page_the_home_page_and_the_dashboard(client):
    member, unit = make_member(unit_name="市委党校")
    for title in ("帮忙买米", "帮忙修灯"):
        wish = make_wish(title=title)
        wish.claim(by=member, unit=unit)
        wish.fulfil(by=member)
    closed = make_wish(title="后来关闭的")
    closed.claim(by=member, unit=unit)
    closed.fulfil(by=member)
    closed.close(by=StaffFactory(groups=["审核员"]), reason="重复登记")
    make_wish(status="fulfilled", claimant=make_volunteer())  # by a volunteer, not the unit

    page = client.get(reverse("volunteers:unit", kwargs={"pk": unit.pk}))
    assert dict(page.context["part_figures"])["帮助实现心愿"] == 2
    assert "今年帮居民实现 2 个心愿" in client.get(reverse("home")).text
    units = {row["name"]: row for row in dashboard.dashboard(dashboard.Period.preset("this_year"))["units"]}
    assert units["市委党校"]["wishes_fulfilled"] == 2
