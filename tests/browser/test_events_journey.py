"""A resident signs up for a health lecture on her phone in elderly mode and shows her check-in code; staff check
her in by entering it. Screenshots of the events list at 390 and 1280 px, standard and elderly mode."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.audit import at_both_widths, audit, small_controls
from tests.browser.journeys import home, nav, sign_in, waiting
from tests.factories import ActivityFactory, PartnerUnitFactory, StaffFactory, UserFactory
from volunteers.models import SignUp

pytestmark = pytest.mark.django_db(transaction=True)


def elderly(context, live_server):
    context.add_cookies([{"name": "elderly", "value": "1", "url": live_server.url}])
    return context


def test_a_resident_signs_up_on_her_phone_and_staff_check_her_in_by_her_code(
    new_context, live_server, html_checker, tmp_path
):
    start = timezone.now() + timedelta(minutes=30)
    lecture = ActivityFactory(
        team=None,
        partner_unit=PartnerUnitFactory(name="区医保局"),
        audience="residents",
        title="健康讲座：冬季心脑血管保健",
        description="请医生讲冬季保健，现场答疑。",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        signup_deadline=start - timedelta(minutes=5),
        place="社区党群服务中心会议室",
        capacity=20,
    )
    ActivityFactory(team=None, audience="everyone", title="邻里节：百家游园会", starts_at=start + timedelta(days=9))
    UserFactory(username="liushufen", display_name="刘淑芬")
    StaffFactory(username="gridworker1", display_name="黄丽", groups=["网格员"])

    # She opens the home page on her phone in 大字模式, signs in, and goes back home to the events.
    resident = sign_in(elderly(new_context(), live_server), "liushufen")
    nav(resident, "首页")
    resident.get_by_role("link", name=re.compile("健康讲座")).first.click()
    audit(resident, html_checker, elderly=True)
    assert small_controls(resident, 60, label_counts=False) == []
    resident.get_by_role("button", name="我要报名").click()
    expect(resident.get_by_text("报名成功")).to_be_visible()
    code = SignUp.objects.get(activity=lecture).code
    expect(resident.locator(".checkin-code")).to_have_text(code)
    audit(resident, html_checker, elderly=True)
    resident.screenshot(path=tmp_path / "event-signed-up-390-elderly.png", full_page=True)

    # Her code waits on 我的.
    nav(resident, "我的")
    expect(resident.locator("#me-events").locator("..")).to_contain_text(code)
    audit(resident, html_checker, elderly=True)

    # On the day, staff at the desk enter her code.
    with time_machine.travel(start + timedelta(minutes=5), tick=True):
        staff = sign_in(new_context(viewport={"width": 1280, "height": 900}), "gridworker1")
        waiting(staff, "今天要签到的活动").get_by_role("link", name=re.compile("健康讲座")).click()
        audit(staff, html_checker)
        staff.get_by_role("textbox", name="签到码").fill(code)
        staff.get_by_role("button", name="签到", exact=True).first.click()
        expect(staff.get_by_text("已签到：刘淑芬")).to_be_visible()
        audit(staff, html_checker)
        staff.screenshot(path=tmp_path / "check-in-1280.png", full_page=True)
    assert SignUp.objects.get(activity=lecture).attended


@pytest.mark.parametrize("mode", ["standard", "elderly"])
def test_the_events_list_at_390_and_1280(new_context, live_server, html_checker, mode):
    start = timezone.now() + timedelta(days=2)
    for days, title in enumerate(["健康讲座：冬季心脑血管保健", "义诊进社区", "科普进家庭：防范电信诈骗"]):
        ActivityFactory(team=None, audience="residents", title=title, starts_at=start + timedelta(days=days * 4))
    full = ActivityFactory(team=None, audience="everyone", title="千家宴：邻里一家亲", capacity=1)
    full.sign_up(person=UserFactory())
    context = new_context()
    if mode == "elderly":
        elderly(context, live_server)
    page = home(context)
    page.get_by_role("link", name="全部活动").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("活动")
    expect(page.get_by_text("已满，可排候补")).to_be_visible()
    at_both_widths(page, "events", elderly=mode == "elderly")
    audit(page, html_checker, elderly=mode == "elderly")
