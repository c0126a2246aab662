"""我的 as each role's workbench: what waits for the person, counted in the nav, kept until a queue changes."""

import re

import pytest
from django.urls import reverse

from community.models import Home, Notification
from tests.factories import BuildingFactory, GridFactory, StaffFactory, UserFactory
from tests.signing_in import sign_in
from tests.wishes.helpers import make_member, make_volunteer, make_wish
from whistles.models import Category, ProblemReport, Whistle

pytestmark = pytest.mark.django_db


def waiting(client):
    """{queue label: count} at the top of 我的."""
    page = client.get(reverse("me")).text
    return {
        label: int(count)
        for label, count in re.findall(
            r'<div class="waiting-head">.*?>([^<]+)</(?:a|span)><span class="waiting-count">(\d+)<', page
        )
    }


def badge(client, url="/"):
    found = re.search(r'<span class="nav-badge">(\d+)', client.get(url).text)
    return int(found.group(1)) if found else 0


def report(building, **fields):
    return ProblemReport.submit(
        by=UserFactory(), category=Category.ROADS, description="路面坑洼。", building=building, **fields
    )


def test_a_grid_worker_sees_reviews_and_reports_his_grid_first(client):
    worker = StaffFactory(groups=["网格员", "审核员"])
    mine = BuildingFactory(name="团结巷3栋", grid=GridFactory(grid_worker=worker))
    theirs = BuildingFactory(name="朝阳路1栋", grid=GridFactory(grid_worker=StaffFactory(groups=["网格员"])))
    report(theirs)
    report(mine, spot="楼后")
    make_wish(status=None, title="想请人帮忙修门锁")
    Home.set_for(UserFactory(display_name="王秀英"), building=mine, unit="1", room="101")
    sign_in(client, worker)
    queues = waiting(client)
    assert queues["待审核的心愿"] == 1 and queues["待处理的问题反映"] == 2 and queues["等我确认的住址"] == 1
    page = client.get(reverse("me")).text
    reports = page[page.index("待处理的问题反映") :]
    assert reports.index("团结巷3栋楼后") < reports.index("朝阳路1栋")
    unread = Notification.objects.filter(recipient=worker, read_at=None).count()  # the report in his grid
    assert unread == 1 and badge(client) == sum(queues.values()) + unread


def test_a_partner_member_sees_his_unit_and_its_open_calls_with_the_problem_photos(client):
    member, unit = make_member(unit_name="市委党校")
    building = BuildingFactory()
    whistle = Whistle.blow(
        by=StaffFactory(groups=["网格员"]),
        units=[unit],
        reports=[report(building)],
        title="修补路面",
        description="补坑。",
        category=Category.ROADS,
        building=building,
    )
    sign_in(client, member)
    assert waiting(client) == {"呼叫我单位的红哨子": 1}
    page = client.get(reverse("me")).text
    assert "市委党校" in page and whistle.get_absolute_url() in page and "请在" in page
    assert unit.get_absolute_url() in page


def test_a_resident_is_asked_to_confirm_and_the_count_moves_at_once(client, django_capture_on_commit_callbacks):
    owner = UserFactory()
    sign_in(client, owner)
    with django_capture_on_commit_callbacks(execute=True):
        wish = make_wish(owner=owner, status="claimed")
    assert badge(client) == 0 or "已实现，等我确认的心愿" not in waiting(client)
    before = badge(client)
    with django_capture_on_commit_callbacks(execute=True):
        wish.fulfil(by=wish.live_claim.claimant)
    assert waiting(client)["已实现，等我确认的心愿"] == 1
    assert badge(client) == before + 1 + 1  # the wish to confirm, and the message that says so


def test_a_volunteer_sees_the_wishes_he_claimed(client):
    volunteer = make_volunteer()
    make_wish(status="claimed", claimant=volunteer, title="帮忙买米")
    sign_in(client, volunteer)
    assert waiting(client) == {"我认领、还没实现的心愿": 1}


def test_someone_with_nothing_waiting_is_told_so(client):
    sign_in(client, UserFactory())
    assert "现在没有等您处理的事。" in client.get(reverse("me")).text
    assert badge(client) == 0


def test_leaders_see_appointments_and_check_ins_with_their_day_and_time(client):
    from datetime import time, timedelta

    from django.utils import timezone

    from tests.factories import ActivityFactory, WorkstationFactory, add_member
    from volunteers.models import Appointment

    station = WorkstationFactory(name="周大姐调解服务室")
    day = timezone.localdate() + timedelta(days=3)
    Appointment.request(
        workstation=station, resident=UserFactory(), day=day, start=time(9, 30), end=time(10), topic="邻里纠纷"
    )
    sign_in(client, station.leader)
    assert waiting(client) == {"等我确认的预约": 1}
    assert f"周大姐调解服务室 · {day.month}月{day.day}日 09:30" in client.get(reverse("me")).text

    leader = make_volunteer()
    starts = timezone.now() + timedelta(minutes=30)
    activity = ActivityFactory(title="楼道清理", starts_at=starts, ends_at=starts + timedelta(hours=2))
    add_member(activity.team, leader.volunteer, leader=True)
    sign_in(client, leader)
    assert waiting(client)["今天要签到的活动"] == 1
    assert f"楼道清理 · {timezone.localtime(starts):%H:%M}" in client.get(reverse("me")).text
