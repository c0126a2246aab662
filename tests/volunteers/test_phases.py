"""An activity's state is derived from its times and places: one label, never two, also on kept pages."""

from datetime import timedelta

import pytest
import time_machine
from django.template.loader import render_to_string
from django.utils import timezone

from tests.factories import ActivityFactory, StaffFactory, TeamFactory, VolunteerFactory, add_member
from volunteers.models import Activity, SignUp, VolunteerError

pytestmark = pytest.mark.django_db


def counted(activity):
    return Activity.objects.get(pk=activity.pk)


def test_the_phase_follows_the_clock_and_the_places():
    start = timezone.now() + timedelta(days=2)
    activity = ActivityFactory(
        starts_at=start, ends_at=start + timedelta(hours=2), signup_deadline=start - timedelta(days=1), capacity=1
    )
    phase = counted(activity).phase()
    assert (phase.key, phase.label, phase.changes_at) == ("open", "报名中", activity.signup_deadline)
    SignUp.objects.create(activity=activity, volunteer=VolunteerFactory())
    assert counted(activity).phase().label == "名额已满"
    for moment, label in (
        (start - timedelta(hours=2), "报名已截止"),
        (start + timedelta(minutes=5), "进行中"),
        (start + timedelta(hours=3), "已结束"),
    ):
        assert counted(activity).phase(moment).label == label
    Activity.objects.filter(pk=activity.pk).update(status=Activity.Status.CANCELLED)
    assert counted(activity).phase().label == "已取消"


def test_a_kept_activity_page_stops_saying_open_once_the_deadline_passes(client):
    start = timezone.now() + timedelta(days=2)
    activity = ActivityFactory(
        title="义诊进社区",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        signup_deadline=start - timedelta(days=1),
    )
    url = activity.get_absolute_url()
    client.get(url)
    kept = client.get(url)
    assert kept["X-Page-Cache"] == "hit" and "报名中" in kept.text and "报名已截止" not in kept.text
    with time_machine.travel(activity.signup_deadline + timedelta(minutes=1)):
        page = client.get(url)  # nothing was saved: the kept copy expired at the deadline
        assert page["X-Page-Cache"] == "miss"
        assert "报名已截止" in page.text and "报名中" not in page.text


def test_lists_mark_an_activity_whose_sign_up_closed():
    start = timezone.now() + timedelta(hours=3)
    activity = ActivityFactory(
        starts_at=start, ends_at=start + timedelta(hours=2), signup_deadline=timezone.now() - timedelta(hours=1)
    )
    html = render_to_string("volunteers/_activity_item.html", {"activity": counted(activity)})
    assert "报名已截止" in html and "已报名" not in html


def test_check_in_opens_an_hour_before_the_start():
    team = TeamFactory()
    leader = VolunteerFactory()
    add_member(team, leader, leader=True)
    start = timezone.now() + timedelta(days=2)
    activity = ActivityFactory(team=team, starts_at=start, ends_at=start + timedelta(hours=2))
    signup = SignUp.objects.create(activity=activity, volunteer=VolunteerFactory())
    with pytest.raises(VolunteerError, match="签到从"):
        signup.check_in(by=leader.user)
    with time_machine.travel(start - timedelta(minutes=30), tick=False):
        signup.check_in(by=leader.user)
    assert SignUp.objects.get(pk=signup.pk).attended
    with pytest.raises(VolunteerError, match="还没开始"):
        activity.close_check_in(by=StaffFactory(groups=["网格员"]), now=start - timedelta(minutes=10))
