"""A resident becomes a volunteer, signs up, is checked in by the leader, and sees their hours honoured."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.audit import at_both_widths, audit, small_controls
from tests.browser.journeys import home, nav, sign_in, waiting
from tests.factories import (
    ActivityFactory,
    StaffFactory,
    TeamFactory,
    UserFactory,
    VolunteerFactory,
    WorkstationFactory,
    add_member,
)

pytestmark = pytest.mark.django_db(transaction=True)


def test_apply_approve_sign_up_check_in_and_see_the_hours(new_context, html_checker):
    team = TeamFactory(name="爱心助老协会", description="陪伴独居和高龄老人。")
    leader = VolunteerFactory(user=UserFactory(username="leader1", display_name="何建军"))
    add_member(team, leader, leader=True)
    start = timezone.now() + timedelta(minutes=30)
    ActivityFactory(
        team=team,
        title="陪独居老人过生日",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        signup_deadline=start - timedelta(minutes=5),
        capacity=5,
    )
    StaffFactory(username="reviewer1", groups=["审核员"])
    UserFactory(username="sunliping", display_name="孙丽萍")
    WorkstationFactory(name="许大妈谈心说事服务室")

    # The resident applies.
    resident = sign_in(new_context(), "sunliping")
    nav(resident, "志愿服务")
    audit(resident, html_checker)
    resident.get_by_role("link", name="申请当志愿者").click()
    resident.get_by_label("真实姓名").fill("孙丽萍")
    resident.get_by_label("手机号").fill("13912345678")
    resident.get_by_label("爱心助老协会").check()
    resident.get_by_label("我已阅读并同意").check()
    resident.get_by_role("button", name="提交申请").click()
    expect(resident.get_by_text("申请已提交")).to_be_visible()

    # Staff find it waiting on their 我的 and approve it.
    staff = sign_in(new_context(viewport={"width": 1280, "height": 900}), "reviewer1")
    waiting(staff, "待审核的志愿者申请").get_by_role("link", name="待审核的志愿者申请").click()
    expect(staff.get_by_text("13912345678")).to_be_visible()
    staff.get_by_role("button", name="通过", exact=True).click()
    expect(staff.get_by_text("已通过申请")).to_be_visible()

    # The new volunteer signs up.
    nav(resident, "志愿服务")
    resident.get_by_role("link", name=re.compile("陪独居老人过生日")).click()
    audit(resident, html_checker)
    resident.get_by_role("button", name="我要报名").click()
    expect(resident.get_by_text("报名成功")).to_be_visible()

    # On the day, the leader checks her in on a phone and closes the check-in.
    with time_machine.travel(start + timedelta(minutes=10), tick=True):
        leader_page = sign_in(new_context(), "leader1")
        waiting(leader_page, "今天要签到的活动").get_by_role("link", name="陪独居老人过生日").click()
        audit(leader_page, html_checker)
        leader_page.get_by_role("button", name="孙丽萍签到").click()
        expect(leader_page.get_by_text("已签到：孙丽萍")).to_be_visible()
        leader_page.get_by_role("button", name="结束签到，记录服务时长").click()
        expect(leader_page.get_by_text("签到已结束")).to_be_visible()

    # Her hours appear on her page and on the honour roll.
    nav(resident, "我的")
    expect(resident.locator("#me-volunteer").locator("..")).to_contain_text("2")
    resident.get_by_role("link", name="我的服务记录").click()
    expect(resident.locator(".record-table")).to_contain_text("陪独居老人过生日")
    expect(resident.locator(".record-table")).to_contain_text("2")
    nav(resident, "志愿服务")
    resident.get_by_role("link", name="光荣榜").click()
    expect(resident.locator(".honour-table").first).to_contain_text("孙**")
    audit(resident, html_checker)
    nav(resident, "志愿服务")
    resident.get_by_role("link", name=re.compile("^爱心助老协会")).first.click()
    expect(resident.get_by_role("heading", level=1)).to_have_text(team.name)
    audit(resident, html_checker)
    nav(resident, "志愿服务")
    resident.get_by_role("link", name=re.compile("许大妈谈心说事服务室")).click()
    audit(resident, html_checker)


def test_the_activity_page_in_elderly_mode(new_context, live_server, html_checker):
    activity = ActivityFactory(title="背街小巷大扫除", capacity=3)
    context = new_context()
    context.add_cookies([{"name": "elderly", "value": "1", "url": live_server.url}])
    page = home(context)
    nav(page, "志愿服务")
    page.get_by_role("link", name=re.compile(activity.title)).first.click()
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        assert small_controls(page, 60, label_counts=False) == [], f"at {width}px"
    audit(page, html_checker, elderly=True)


@pytest.mark.parametrize("mode", ["standard", "elderly"])
def test_a_leader_pages_through_a_big_team_s_roster_from_my_page(new_context, live_server, html_checker, mode):
    team = TeamFactory(name="平安巡逻队")
    leader = VolunteerFactory(
        user=UserFactory(username="leader2", display_name="韦国强"), real_name="韦国强", phone="13711112222"
    )
    add_member(team, leader, leader=True)
    members = [VolunteerFactory(real_name=f"队员{i:02d}", phone=f"139000000{i:02d}") for i in range(55)]
    for member in members:
        add_member(team, member)
    context = new_context()
    if mode == "elderly":
        context.add_cookies([{"name": "elderly", "value": "1", "url": live_server.url}])
    page = sign_in(context, "leader2")
    page.get_by_role("link", name="管理平安巡逻队").click()
    roster = page.locator("section", has=page.get_by_role("heading", name="队员名单"))
    expect(page.get_by_text("第 1 / 2 页")).to_be_visible()
    expect(page.get_by_role("link", name="13900000048")).to_be_visible()  # the leader first, then by joining
    expect(page.get_by_role("link", name="13900000049")).to_have_count(0)
    at_both_widths(page, "roster", elderly=mode == "elderly")
    audit(page, html_checker, elderly=mode == "elderly")
    roster.get_by_role("link", name="下一页").click()
    expect(page.get_by_text("第 2 / 2 页")).to_be_visible()
    expect(page.get_by_role("link", name="13900000049")).to_be_visible()
    expect(page.get_by_role("link", name="13900000000")).to_have_count(0)
