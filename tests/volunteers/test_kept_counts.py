"""An activity's sign-up counts are kept by PostgreSQL (migration 0007): whatever changes a sign-up, they agree
with a count of the rows, and the activity pages show them."""

from datetime import timedelta

import pytest
from django.db.models import Count, Q
from django.utils import timezone

from portal.personal_data import user_delete
from tests.concurrency import run_together
from tests.factories import ActivityFactory, UserFactory
from volunteers.models import Activity, SignUp

pytestmark = pytest.mark.django_db(transaction=True)


def kept(activity):
    return Activity.objects.values_list("signup_count", "waiting_count").get(pk=activity.pk)


def counted(activity):
    found = SignUp.objects.filter(activity=activity).aggregate(
        signed=Count("pk", filter=Q(status=SignUp.Status.SIGNED_UP)),
        waiting=Count("pk", filter=Q(status=SignUp.Status.WAITING)),
    )
    return found["signed"], found["waiting"]


def event(places):
    start = timezone.now() + timedelta(days=3)
    return ActivityFactory(
        team=None,
        audience=Activity.Audience.RESIDENTS,
        capacity=places,
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        signup_deadline=start - timedelta(hours=12),
    )


def test_the_counts_follow_sign_ups_cancellations_the_waiting_list_and_erased_accounts():
    lecture = event(places=2)
    people = [UserFactory() for _ in range(4)]
    signups = [lecture.sign_up(person=person) for person in people]
    assert kept(lecture) == counted(lecture) == (2, 2)
    signups[0].cancel(by=people[0])  # the first on the waiting list moves up
    assert kept(lecture) == counted(lecture) == (2, 1)
    user_delete(user=people[3])  # the account's sign-ups go with it
    assert kept(lecture) == counted(lecture) == (2, 0)
    SignUp.objects.filter(activity=lecture).delete()
    assert kept(lecture) == (0, 0)
    # A bulk load is counted once per statement, per activity.
    other = event(places=5)
    SignUp.objects.bulk_create(
        [
            SignUp(activity=a, person=UserFactory(), status=s, code=f"{i:06d}")
            for i, (a, s) in enumerate(
                [(lecture, "signed_up"), (lecture, "waiting"), (other, "signed_up"), (other, "cancelled")]
            )
        ]
    )
    assert (kept(lecture), kept(other)) == (counted(lecture), counted(other)) == ((1, 1), (1, 0))


def test_saving_an_activity_loaded_before_a_sign_up_keeps_the_new_count():
    lecture = event(places=3)
    stale = Activity.objects.get(pk=lecture.pk)
    lecture.sign_up(person=UserFactory())
    stale.title = "健康讲座（改期）"
    stale.save()
    assert kept(lecture) == (1, 0)
    assert Activity.objects.get(pk=lecture.pk).title == "健康讲座（改期）"


def test_many_people_signing_up_at_once_are_all_counted():
    lecture = event(places=3)
    people = [UserFactory() for _ in range(8)]
    results = run_together(*[lambda p=p: Activity.objects.get(pk=lecture.pk).sign_up(person=p) for p in people])
    assert not [r for r in results if isinstance(r, Exception)], results
    assert kept(lecture) == counted(lecture) == (3, 5)


def test_the_event_page_shows_the_kept_counts(client):
    lecture = event(places=1)
    for _ in range(3):
        lecture.sign_up(person=UserFactory())
    page = client.get(lecture.get_absolute_url()).content.decode()
    assert "已报名 1 人，共 1 个名额" in page
    assert "2 人在候补" in page
