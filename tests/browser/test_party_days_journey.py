"""Grids and party days in a browser: from the home page by clicks, a visitor finds a grid (its worker, the duty
phone masked, its branch and what happened there) and the branch's year of party days; a resident of the grid
sees the full phone. Screenshots at 390 and 1280 px, standard and elderly mode."""

import os
from datetime import datetime, time, timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from community.models import Home
from party.models import first_saturday
from tests.browser.audit import audit
from tests.browser.journeys import home, nav, sign_in
from tests.factories import (
    BuildingFactory,
    GridFactory,
    PartnerUnitFactory,
    PartyBranchFactory,
    PartyDayFactory,
    PartyMembershipFactory,
    StaffFactory,
    UserFactory,
)
from volunteers.models import SignUp
from whistles.models import Category as ProblemCategory
from whistles.models import Whistle
from wishes.models import Wish

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path(os.environ.get("SHOTS_DIR", "/work/shots"))
PHONE = "13907146101"
THEMES = [
    "新春走访送温暖",
    "学习党章守初心",
    "学雷锋 做表率",
    "清明文明祭扫宣传",
    "垃圾分类我先行",
    "防范电信诈骗进楼栋",
]


def aware(day, hour):
    return timezone.make_aware(datetime.combine(day, time(hour)))


def a_grid_with_its_year():
    """第一网格 with its worker and duty phone, two buildings, its branch and this year's party days so far (one
    month missed), the next one planned."""
    worker = StaffFactory(username="gridworker1", display_name="赵建华", groups=["网格员"])
    grid = GridFactory(name="第一网格", description="团结巷、人民街一带", grid_worker=worker, duty_phone=PHONE)
    building = BuildingFactory(name="团结巷3栋", grid=grid)
    BuildingFactory(name="人民街5栋", grid=grid)
    branch = PartyBranchFactory(
        grid=grid, name="第一网格党支部", secretary=UserFactory(display_name="孙立平"), description="团结巷党员之家。"
    )
    member = PartyMembershipFactory(branch=branch).member
    staff = StaffFactory(is_superuser=True)
    wish = Wish.submit(
        by=UserFactory(display_name="王秀英"),
        title="想请人帮忙修一下收音机",
        description="家里的老收音机没声音了。",
        category=Wish.Category.REPAIR,
        building=building,
        needed_by=timezone.localdate() + timedelta(days=10),
        contact_phone="13800000000",
    )
    wish.publish(by=staff)
    Whistle.blow(
        by=staff,
        units=[PartnerUnitFactory(name="市委党校")],
        title="团结巷3栋楼后垃圾池清理",
        description="清理堆积的垃圾，恢复绿化。",
        category=ProblemCategory.SANITATION,
        building=building,
    )
    today = timezone.localdate()
    for month in range(1, today.month + 1):
        day = first_saturday(today.year, month)
        if month == 4 or month > 6 and day < today and month % 3 == 0:
            continue  # a month missed
        theme = THEMES[(month - 1) % len(THEMES)]
        party_day = PartyDayFactory(
            activity__branch=branch,
            activity__title=f"{month}月主题党日",
            activity__starts_at=aware(day, 9),
            activity__ends_at=aware(day, 11),
            activity__signup_deadline=aware(day - timedelta(days=1), 18),
            theme=theme,
        )
        if day < today:
            SignUp.objects.create(activity=party_day.activity, person=member, attended=True, code=f"{month:06d}")
    return grid, building, branch


def visit_the_grid_and_its_branch(page):
    page.get_by_role("contentinfo").get_by_role("link", name="网格与网格党支部").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("网格")
    page.get_by_role("link", name="第一网格").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("第一网格")


@pytest.mark.parametrize("mode", ["standard", "elderly"])
def test_a_visitor_finds_the_grid_and_the_branchs_year_by_clicks(new_context, live_server, html_checker, mode):
    a_grid_with_its_year()
    context = new_context()
    if mode == "elderly":
        context.add_cookies([{"name": "elderly", "value": "1", "url": live_server.url}])
    page = home(context)
    visit_the_grid_and_its_branch(page)
    expect(page.get_by_text("139****6101")).to_be_visible()
    assert PHONE not in page.content()
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=SHOTS / f"grid-{width}-{mode}.png", full_page=True)
    audit(page, html_checker, elderly=mode == "elderly")

    page.get_by_role("link", name="第一网格党支部").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("第一网格党支部")
    expect(page.locator(".party-month")).to_have_count(12)
    expect(page.locator(".party-month.party-held").first).to_be_visible()
    expect(page.locator(".party-month.party-missed").first).to_contain_text("4月")
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=SHOTS / f"branch-year-{width}-{mode}.png", full_page=True)
    audit(page, html_checker, elderly=mode == "elderly")

    page.locator(".party-month.party-held .party-theme").first.click()
    expect(page.get_by_text("结合的重点工作")).to_be_visible()
    expect(page.get_by_role("navigation", name="当前位置").get_by_role("link", name="第一网格党支部")).to_be_visible()


def test_a_resident_of_the_grid_sees_the_full_phone(new_context, live_server, html_checker):
    grid, building, _branch = a_grid_with_its_year()
    resident = UserFactory(username="liushufen", display_name="刘淑芬")
    Home.set_for(resident, building=building, unit="2", room="502").confirm(by=grid.grid_worker)
    page = sign_in(new_context(), "liushufen")
    nav(page, "首页")
    visit_the_grid_and_its_branch(page)
    expect(page.get_by_role("link", name=PHONE)).to_have_attribute("href", f"tel:{PHONE}")
    page.screenshot(path=SHOTS / "grid-390-resident.png", full_page=True)
