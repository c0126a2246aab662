"""Checking in and closing the check-in at the same moment: every attendee of a closed activity gets their hours."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.concurrency import run_together
from tests.factories import ActivityFactory, StaffFactory, TeamFactory, VolunteerFactory, add_member
from volunteers.models import Activity, ServiceHourRecord, SignUp, VolunteerError

SIGNED_UP = 12


def started_activity(*, volunteers):
    """An activity that began half an hour ago, with its leader and ``volunteers`` signed up."""
    team = TeamFactory()
    leader = VolunteerFactory()
    add_member(team, leader, leader=True)
    starts = timezone.now() - timedelta(minutes=30)
    activity = ActivityFactory(
        team=team, starts_at=starts, ends_at=starts + timedelta(hours=2), signup_deadline=starts, capacity=50
    )
    signups = [SignUp.objects.create(activity=activity, volunteer=VolunteerFactory()) for _ in range(volunteers)]
    return activity, leader.user, signups


def attendees_without_hours(activity):
    credited = set(ServiceHourRecord.objects.filter(activity=activity).values_list("volunteer", flat=True))
    attended = set(SignUp.objects.filter(activity=activity, attended=True).values_list("volunteer", flat=True))
    return attended - credited


@pytest.mark.django_db
def test_a_check_in_opened_before_the_closing_is_refused_after_it():
    """The leader's page loaded the sign-up while the check-in was open; staff closed it meanwhile."""
    activity, leader, (signup,) = started_activity(volunteers=1)
    on_the_leaders_page = SignUp.objects.select_related("activity__team").get(pk=signup.pk)
    activity.close_check_in(by=StaffFactory(groups=["网格员"]))
    with pytest.raises(VolunteerError, match="签到已经结束"):
        on_the_leaders_page.check_in(by=leader)
    assert not SignUp.objects.get(pk=signup.pk).attended
    assert attendees_without_hours(activity) == set()


@pytest.mark.django_db(transaction=True)
def test_check_ins_racing_the_closing_never_leave_an_attendee_without_hours():
    activity, leader, signups = started_activity(volunteers=SIGNED_UP)
    # Each check-in starts from the sign-up as the leader's page loaded it, before anyone closed.
    loaded = [SignUp.objects.select_related("activity__team").get(pk=signup.pk) for signup in signups]
    results = run_together(
        lambda: Activity.objects.get(pk=activity.pk).close_check_in(by=leader),
        *[lambda signup=signup: signup.check_in(by=leader) for signup in loaded],
    )
    assert not isinstance(results[0], Exception), results[0]
    assert all(result is None or isinstance(result, VolunteerError) for result in results[1:]), results
    assert Activity.objects.get(pk=activity.pk).status == Activity.Status.COMPLETED
    assert attendees_without_hours(activity) == set()
    credited = ServiceHourRecord.objects.filter(activity=activity).count()
    assert credited == SignUp.objects.filter(activity=activity, attended=True).count()
