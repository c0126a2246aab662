"""双报到 in a browser: the member reads and answers his yearly evaluation, then staff open the unit's feedback
sheet from 我的, record the printing and print it to PDF (A4). Screenshots go to /work/shots/ (or SHOTS_DIR)."""

import os
import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from party.models import FeedbackSheet, InServiceMember, ServicePost
from tests.browser.audit import audit
from tests.browser.journeys import sign_in, waiting
from tests.factories import ActivityFactory, PartnerUnitFactory, PartyMembershipFactory, StaffFactory, UserFactory
from volunteers.models import SignUp

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path(os.environ.get("SHOTS_DIR", "/work/shots"))
WIDE = {"width": 1280, "height": 900}


def member_of(unit, username, name, *, posts, year, activities, evaluation=None, seen=False, remark=""):
    person = UserFactory(username=username, display_name=name)
    PartyMembershipFactory(member=person, organisation=f"{unit.name}机关党委")
    member = InServiceMember.objects.create(
        person=person, unit=unit, position="讲师", skills="理论宣讲", availability="周六上午", status="approved"
    )
    member.posts.set(posts)
    for activity in activities:
        SignUp.objects.create(activity=activity, person=person, attended=True, checked_in_at=activity.starts_at)
    if evaluation:
        sheet = FeedbackSheet.write(member=member, year=year, evaluation=evaluation, by=None)
        if seen:
            sheet.acknowledge(by=person, remark=remark)
    return member


def test_the_member_answers_his_evaluation_and_staff_print_the_units_sheet(new_context, html_checker):
    SHOTS.mkdir(parents=True, exist_ok=True)
    year = timezone.localdate().year - 1
    unit = PartnerUnitFactory(name="市委党校", kind="school")
    posts = [
        ServicePost.objects.create(name="政策宣讲员", description="宣讲政策"),
        ServicePost.objects.create(name="楼栋长助理", description="协助楼栋长"),
    ]
    activities = []
    for month, day, title in [(6, 14, "党员进社区·垃圾分类宣传"), (11, 15, "党员进社区·政策宣讲")]:
        start = timezone.make_aware(datetime(year, month, day, 9))
        activities.append(
            ActivityFactory(
                team=None,
                partner_unit=unit,
                audience="residents",
                title=title,
                starts_at=start,
                ends_at=start + timedelta(hours=2),
                signup_deadline=start,
            )
        )
    member_of(
        unit,
        "zhenglixin",
        "郑立新",
        posts=posts,
        year=year,
        activities=activities,
        evaluation="全年到社区宣讲政策 6 次，带领单位党员认领微心愿，积极响应“红哨子”，表现突出。",
    )
    member_of(
        unit,
        "luwenbo",
        "卢文博",
        posts=posts[1:],
        year=year,
        activities=activities[1:],
        evaluation="结对帮扶两位独居老人，每月上门，居民评价很好。",
        seen=True,
    )
    member_of(unit, "wangxin", "王新", posts=[], year=year, activities=[])
    StaffFactory(username="office1", display_name="刘晓燕", is_superuser=True)

    # The member finds the sheet waiting on 我的, reads it and answers.
    member = sign_in(new_context(), "zhenglixin")
    waiting(member, "社区写给我单位的反馈表").get_by_role("link", name=f"{year}年度反馈表").click()
    expect(member.get_by_text("全年到社区宣讲政策")).to_be_visible()
    audit(member, html_checker)
    member.get_by_label("我的意见（选填）").fill("感谢社区，明年继续参加。")
    member.get_by_role("button", name="我已看过").click()
    expect(member.get_by_text("已确认看过反馈表")).to_be_visible()
    member.screenshot(path=str(SHOTS / "reportin-member-390.png"), full_page=True)

    # Staff: 我的 → 各单位在职党员服务情况 → last year → the unit's sheet.
    staff = sign_in(new_context(viewport=WIDE), "office1")
    staff.get_by_role("link", name="各单位在职党员服务情况").first.click()
    staff.get_by_role("link", name=f"{year}年", exact=True).click()
    expect(staff.get_by_role("heading", name=re.compile(f"^{year}年各单位"))).to_be_visible()
    staff.screenshot(path=str(SHOTS / "reportin-units-1280.png"), full_page=True)
    staff.get_by_role("link", name="单位年度反馈表").click()
    sheet = staff.locator(".sheet-member")
    expect(sheet).to_have_count(2)
    expect(staff.locator(".waiting-member")).to_have_text(re.compile("王新"))
    expect(sheet.first).to_contain_text("感谢社区，明年继续参加。")
    expect(sheet.first).to_contain_text("党员进社区·政策宣讲")
    audit(staff, html_checker)
    staff.get_by_role("button", name="记录打印时间").click()
    expect(staff.get_by_text("已记录打印时间")).to_be_visible()
    assert FeedbackSheet.objects.filter(printed_at__isnull=False).count() == 2

    staff.screenshot(path=str(SHOTS / "reportin-feedback-1280.png"), full_page=True)
    staff.set_viewport_size({"width": 390, "height": 844})
    staff.screenshot(path=str(SHOTS / "reportin-feedback-390.png"), full_page=True)
    staff.set_viewport_size(WIDE)
    staff.pdf(path=str(SHOTS / "reportin-feedback.pdf"), format="A4", print_background=True)
    assert (SHOTS / "reportin-feedback.pdf").read_bytes().startswith(b"%PDF")
    # What the PDF holds, as a picture: the page in print media at A4's width (no pdftoppm here).
    staff.emulate_media(media="print")
    staff.set_viewport_size({"width": 794, "height": 1123})
    staff.screenshot(path=str(SHOTS / "reportin-feedback-print.png"), full_page=True)
    staff.emulate_media(media="screen")

    # Elderly mode, through the header's switch.
    staff.set_viewport_size({"width": 390, "height": 844})
    staff.get_by_role("link", name="大字模式").click()
    expect(staff.locator("html")).to_have_class(re.compile("elderly"))
    audit(staff, html_checker, elderly=True)
    staff.screenshot(path=str(SHOTS / "reportin-feedback-elderly-390.png"), full_page=True)
    staff.set_viewport_size(WIDE)
    staff.screenshot(path=str(SHOTS / "reportin-feedback-elderly-1280.png"), full_page=True)
