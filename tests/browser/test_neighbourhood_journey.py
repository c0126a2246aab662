"""The neighbourhood in one visit, as the issue asks: an elderly resident on her phone in 大字模式, by clicks from
the home page only, finds the nearest open clinic and its phone, then signs up for a health lecture and sees her
check-in code on 我的."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from community.models import Home
from tests.browser.audit import audit
from tests.browser.journeys import nav, sign_in
from tests.factories import ActivityFactory, BuildingFactory, GridFactory, PlaceFactory, UserFactory, add_hours, at
from volunteers.models import SignUp

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_elderly_resident_calls_the_nearest_open_clinic_then_signs_up_for_a_health_lecture(
    new_context, live_server, html_checker
):
    building = BuildingFactory(name="团结巷3栋", grid=GridFactory(name="第一网格"), **at(0, 0))
    resident = UserFactory(username="liushufen", display_name="刘淑芬")
    Home.set_for(resident, building=building, unit="2", room="502")
    add_hours(PlaceFactory(name="仁和中医诊所", east=120, phone="0714-6205526"), "00:00", "00:00")
    add_hours(PlaceFactory(name="纺织路口腔诊所", east=500, phone="0714-6207781"), "00:00", "00:00")
    start = timezone.now() + timedelta(days=3)
    lecture = ActivityFactory(
        team=None,
        audience="residents",
        title="健康讲座：冬季心脑血管保健",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        signup_deadline=start - timedelta(hours=2),
        capacity=30,
    )

    context = new_context()
    context.add_cookies([{"name": "elderly", "value": "1", "url": live_server.url}])
    page = sign_in(context, "liushufen")

    # The nearest open clinic, and its phone a tap away.
    nav(page, "首页")
    page.get_by_role("region", name="十五分钟便民服务圈").get_by_role("link", name=re.compile("^诊所")).click()
    nearest = page.locator(".place-card", has=page.locator(".open-badge.is-open")).first
    expect(nearest.get_by_role("heading")).to_have_text("仁和中医诊所")
    expect(nearest.get_by_role("link", name="拨打 0714-6205526")).to_have_attribute("href", "tel:07146205526")

    # Then the health lecture, from the home page again.
    nav(page, "首页")
    page.get_by_role("link", name=re.compile("健康讲座")).first.click()
    page.get_by_role("button", name="我要报名").click()
    code = SignUp.objects.get(activity=lecture, person=resident).code
    expect(page.locator(".checkin-code")).to_have_text(code)
    nav(page, "我的")
    expect(page.locator("#me-events").locator("..")).to_contain_text(code)
    audit(page, html_checker, elderly=True)
