"""Events for residents: audience and hosts, sign-up with a waiting list, cancellations moving the first waiting
resident up, reminders the day before, check-in by code, phone sign-ups, ratings, and who sees who signed up."""

import random
from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from community import periodic
from community.models import ContactView, Notification
from portal.personal_data import user_delete, user_export_data
from tests.concurrency import run_together
from tests.factories import (
    ActivityFactory,
    PartnerUnitFactory,
    StaffFactory,
    TeamFactory,
    UserFactory,
    VolunteerFactory,
    WorkstationFactory,
    add_member,
)
from tests.signing_in import sign_in
from volunteers import demo
from volunteers.models import Activity, PartnerMembership, ServiceHourRecord, SignUp, VolunteerError

PLACES = 10
RESIDENTS = 30


def event(**fields):
    """A health lecture for residents, hosted by the community itself."""
    fields = {"title": "健康讲座", "audience": Activity.Audience.RESIDENTS, "team": None, **fields}
    return ActivityFactory(**fields)


def grid_worker():
    return StaffFactory(groups=["网格员"])


# --- Places under concurrent sign-ups -------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_thirty_simultaneous_sign_ups_for_ten_places_put_ten_in_and_twenty_on_the_waiting_list_in_order():
    lecture = event(capacity=PLACES)
    residents = [UserFactory() for _ in range(RESIDENTS)]
    results = run_together(
        *[lambda person=person: Activity.objects.get(pk=lecture.pk).sign_up(person=person) for person in residents]
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    signed = SignUp.objects.filter(activity=lecture, status=SignUp.Status.SIGNED_UP)
    waiting = list(SignUp.objects.filter(activity=lecture, status=SignUp.Status.WAITING).order_by("created", "id"))
    assert signed.count() == PLACES
    assert len(waiting) == RESIDENTS - PLACES
    # Arrival order: everyone who got a place arrived before everyone waiting, and positions follow arrival.
    last_in = max(signed.values_list("created", flat=True))
    assert all(w.created >= last_in for w in waiting)
    assert [w.waiting_position() for w in waiting] == list(range(1, RESIDENTS - PLACES + 1))
    codes = list(SignUp.objects.filter(activity=lecture).values_list("code", flat=True))
    assert len(set(codes)) == RESIDENTS and all(len(c) == 6 and c.isdigit() for c in codes)

    # A cancellation moves the first waiting resident up and tells her.
    first_waiting = waiting[0]
    leaving = signed.first()
    leaving.cancel(by=leaving.person)
    first_waiting.refresh_from_db()
    assert first_waiting.status == SignUp.Status.SIGNED_UP
    assert SignUp.objects.filter(activity=lecture, status=SignUp.Status.SIGNED_UP).count() == PLACES
    told = Notification.objects.get(recipient=first_waiting.person)
    assert "候补成功" in told.title and told.call_now
    assert waiting[1].waiting_position() == 1
    assert not Notification.objects.filter(recipient=waiting[1].person).exists()


@pytest.mark.django_db(transaction=True)
def test_simultaneous_cancellations_promote_each_waiting_resident_once():
    lecture = event(capacity=3)
    residents = [UserFactory() for _ in range(6)]
    signups = [lecture.sign_up(person=person) for person in residents]
    results = run_together(*[lambda s=s: SignUp.objects.get(pk=s.pk).cancel(by=s.person) for s in signups[:3]])
    assert all(r is None for r in results), results
    assert set(SignUp.objects.filter(activity=lecture, status="signed_up").values_list("pk", flat=True)) == {
        s.pk for s in signups[3:]
    }
    assert Notification.objects.filter(title__startswith="候补成功").count() == 3


# --- Who may sign up -----------------------------------------------------------------------------------


@pytest.mark.django_db
class TestSigningUp:
    def test_a_resident_signs_up_with_one_tap_and_sees_her_code(self, client):
        lecture = event()
        resident = UserFactory()
        sign_in(client, resident)
        response = client.post(reverse("volunteers:sign_up", kwargs={"pk": lecture.pk}), follow=True)
        signup = SignUp.objects.get(activity=lecture, person=resident)
        assert "报名成功" in response.content.decode()
        assert signup.code in response.content.decode()
        me = client.get(reverse("me")).content.decode()
        assert "健康讲座" in me and signup.code in me

    def test_when_full_she_joins_the_waiting_list_and_sees_her_place(self, client):
        lecture = event(capacity=1)
        lecture.sign_up(person=UserFactory())
        resident = UserFactory()
        sign_in(client, resident)
        page = client.get(lecture.get_absolute_url()).content.decode()
        assert "排候补" in page
        response = client.post(reverse("volunteers:sign_up", kwargs={"pk": lecture.pk}), follow=True)
        assert "候补名单第 1 位" in response.content.decode()
        assert "候补第 1 位" in client.get(reverse("me")).content.decode()

    def test_volunteers_activities_still_take_approved_volunteers_only_and_refuse_when_full(self):
        activity = ActivityFactory(capacity=1)
        with pytest.raises(VolunteerError, match="只有审核通过的志愿者"):
            activity.sign_up(person=UserFactory())
        activity.sign_up(volunteer=VolunteerFactory())
        with pytest.raises(VolunteerError, match="名额已满"):
            activity.sign_up(volunteer=VolunteerFactory())
        assert not SignUp.objects.filter(status=SignUp.Status.WAITING).exists()

    def test_signing_up_twice_is_refused(self):
        lecture = event()
        resident = UserFactory()
        lecture.sign_up(person=resident)
        with pytest.raises(VolunteerError, match="已经报名"):
            lecture.sign_up(person=resident)

    def test_a_volunteer_at_an_event_for_everyone_is_credited_hours_a_resident_is_not(self):
        starts = timezone.now() - timedelta(hours=1)
        fair = event(
            audience=Activity.Audience.EVERYONE,
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            signup_deadline=starts,
        )
        volunteer, resident = VolunteerFactory(), UserFactory()
        Activity.objects.filter(pk=fair.pk).update(
            signup_deadline=starts + timedelta(days=1), ends_at=starts + timedelta(days=1, hours=1)
        )
        fair.refresh_from_db()
        a = fair.sign_up(volunteer=volunteer)
        b = fair.sign_up(person=resident)
        staff = grid_worker()
        a.check_in(by=staff)
        b.check_in(by=staff)
        fair.close_check_in(by=staff)
        assert list(ServiceHourRecord.objects.filter(activity=fair).values_list("volunteer", flat=True)) == [
            volunteer.pk
        ]

    def test_an_activity_has_one_host_at_most_and_the_community_when_none(self):
        lecture = event()
        assert lecture.host is None and lecture.host_name == "社区"
        station = WorkstationFactory()
        hosted = event(workstation=station)
        assert hosted.host_name == station.name
        with pytest.raises(IntegrityError), transaction.atomic():
            event(workstation=station, partner_unit=PartnerUnitFactory())


# --- Staff and hosts ---------------------------------------------------------------------------------


@pytest.mark.django_db
class TestHostsAndStaff:
    def test_hosts_may_check_in_others_may_not(self):
        team, leader = TeamFactory(), VolunteerFactory()
        add_member(team, leader, leader=True)
        station = WorkstationFactory()
        unit = PartnerUnitFactory()
        member = UserFactory()
        PartnerMembership.objects.create(unit=unit, user=member)
        stranger = UserFactory()
        assert event(team=team).may_check_in(leader.user)
        assert event(workstation=station).may_check_in(station.leader)
        assert event(partner_unit=unit).may_check_in(member)
        assert event().may_check_in(grid_worker())
        for hosted in (event(team=team), event(workstation=station), event(partner_unit=unit), event()):
            assert not hosted.may_check_in(stranger)

    def test_staff_sign_up_a_resident_by_phone_and_the_entry_is_recorded(self, client):
        lecture = event()
        staff = grid_worker()
        sign_in(client, staff)
        client.post(
            reverse("volunteers:phone_sign_up", kwargs={"pk": lecture.pk}),
            {"contact_name": "赵桂芳", "contact_phone": "13900001111"},
        )
        signup = SignUp.objects.get(activity=lecture)
        assert (signup.person, signup.contact_name, signup.contact_phone) == (None, "赵桂芳", "13900001111")
        assert signup.entered_by == staff and len(signup.code) == 6

    def test_a_phone_sign_up_of_someone_with_an_account_is_hers(self, client):
        lecture = event()
        resident = UserFactory(username="13900002222")
        sign_in(client, grid_worker())
        client.post(
            reverse("volunteers:phone_sign_up", kwargs={"pk": lecture.pk}),
            {"contact_name": "孙秀兰", "contact_phone": "139 0000 2222"},
        )
        assert SignUp.objects.get(activity=lecture).person == resident

    def test_a_bad_phone_sign_up_shows_the_form_again_with_what_was_typed(self, client):
        lecture = event()
        sign_in(client, grid_worker())
        response = client.post(
            reverse("volunteers:phone_sign_up", kwargs={"pk": lecture.pk}),
            {"contact_name": "赵桂芳", "contact_phone": "12345"},
        )
        assert response.status_code == 200
        page = response.content.decode()
        assert "手机号格式不正确" in page and "赵桂芳" in page
        assert not SignUp.objects.exists()

    def test_residents_may_not_sign_others_up(self, client):
        lecture = event()
        sign_in(client, UserFactory())
        response = client.post(
            reverse("volunteers:phone_sign_up", kwargs={"pk": lecture.pk}),
            {"contact_name": "赵桂芳", "contact_phone": "13900001111"},
        )
        assert response.status_code == 404
        assert not SignUp.objects.exists()

    def test_the_host_sees_names_and_masked_phones_staff_see_full_phones_with_a_view_record(self, client):
        station = WorkstationFactory()
        lecture = event(workstation=station)
        resident = UserFactory(username="13900003333", display_name="钱淑珍")
        lecture.sign_up(person=resident)
        sign_in(client, station.leader)
        page = client.get(reverse("volunteers:check_in", kwargs={"pk": lecture.pk})).content.decode()
        assert "钱淑珍" in page and "139****3333" in page and "13900003333" not in page
        assert not ContactView.objects.exists()
        staff = grid_worker()
        sign_in(client, staff)
        page = client.get(reverse("volunteers:check_in", kwargs={"pk": lecture.pk})).content.decode()
        assert "13900003333" in page
        assert ContactView.objects.filter(viewer=staff, subject=resident).exists()

    def test_a_resident_may_not_see_who_signed_up(self, client):
        lecture = event()
        lecture.sign_up(person=UserFactory(display_name="钱淑珍"))
        sign_in(client, UserFactory())
        assert client.get(reverse("volunteers:check_in", kwargs={"pk": lecture.pk})).status_code == 403
        assert "钱淑珍" not in client.get(lecture.get_absolute_url()).content.decode()


# --- Check-in by code --------------------------------------------------------------------------------


def started_event():
    starts = timezone.now() - timedelta(minutes=10)
    return event(starts_at=starts, ends_at=starts + timedelta(hours=2), signup_deadline=starts)


@pytest.mark.django_db
class TestCheckInByCode:
    def test_staff_check_in_by_entering_the_code(self, client):
        lecture = started_event()
        signup = SignUp.objects.create(activity=lecture, person=UserFactory(display_name="周玉兰"), code="123456")
        sign_in(client, grid_worker())
        response = client.post(
            reverse("volunteers:check_in_code", kwargs={"pk": lecture.pk}), {"code": "123456"}, follow=True
        )
        assert "已签到：周玉兰" in response.content.decode()
        signup.refresh_from_db()
        assert signup.attended

    @pytest.mark.parametrize("code", ["654321", "12ab56", "", "1234567", "１２３４５６"])
    def test_a_wrong_code_checks_nobody_in(self, client, code):
        lecture = started_event()
        SignUp.objects.create(activity=lecture, person=UserFactory(), code="123456")
        sign_in(client, grid_worker())
        response = client.post(
            reverse("volunteers:check_in_code", kwargs={"pk": lecture.pk}), {"code": code}, follow=True
        )
        assert response.status_code == 200
        assert not SignUp.objects.filter(attended=True).exists()

    def test_the_code_of_another_event_does_not_work_here(self):
        lecture, other = started_event(), started_event()
        SignUp.objects.create(activity=other, person=UserFactory(), code="111111")
        with pytest.raises(VolunteerError, match="没有找到"):
            SignUp.check_in_by_code(activity=lecture, code="111111", by=grid_worker())

    def test_someone_waiting_cannot_be_checked_in(self):
        lecture = started_event()
        SignUp.objects.create(activity=lecture, person=UserFactory(), code="222222", status=SignUp.Status.WAITING)
        with pytest.raises(VolunteerError, match="候补"):
            SignUp.check_in_by_code(activity=lecture, code="222222", by=grid_worker())


# --- Reminders and the call list ------------------------------------------------------------------------


@pytest.mark.django_db
class TestReminders:
    def test_the_periodic_jobs_remind_everyone_once_the_day_before(self):
        lecture = event(
            starts_at=timezone.now() + timedelta(hours=20), signup_deadline=timezone.now() + timedelta(hours=10)
        )
        later = event(starts_at=timezone.now() + timedelta(days=3))
        with_email = UserFactory(email="wang@example.org")
        without_email = UserFactory(username="13900004444")
        for person in (with_email, without_email):
            lecture.sign_up(person=person)
            later.sign_up(person=person)
        phoned = lecture.sign_up(by=grid_worker(), contact_name="吴秀珍", contact_phone="13900005555")

        periodic.run_due_jobs(only=["volunteers.remind_attendees"])
        periodic.run_due_jobs(only=["volunteers.remind_attendees"])

        reminders = Notification.objects.filter(title__startswith="明天的活动提醒")
        assert reminders.count() == 2
        assert {n.recipient for n in reminders} == {with_email, without_email}
        # Without email she is on the call list at once, not after the usual delay.
        assert list(Notification.objects.needing_a_call().values_list("recipient", flat=True)) == [without_email.pk]
        phoned.refresh_from_db()
        assert phoned.reminded_at and "明天的活动提醒" in phoned.call_about
        assert list(SignUp.objects.needing_a_call()) == [phoned]
        assert not SignUp.objects.filter(activity=later, reminded_at__isnull=False).exists()

    def test_the_call_list_shows_phone_sign_ups_without_an_account_and_staff_record_the_call(self, client):
        lecture = event(capacity=1)
        staff = grid_worker()
        first = lecture.sign_up(person=UserFactory())
        waiting = lecture.sign_up(by=staff, contact_name="吴秀珍", contact_phone="13900005555")
        first.cancel(by=first.person)
        sign_in(client, staff)
        page = client.get(reverse("call_list")).content.decode()
        assert "吴秀珍" in page and "13900005555" in page and "候补成功" in page
        assert ContactView.objects.filter(viewer=staff, target_type="volunteers.signup", target_id=waiting.pk).exists()
        client.post(reverse("volunteers:signup_phoned", kwargs={"pk": waiting.pk}))
        waiting.refresh_from_db()
        assert waiting.phoned_by == staff
        assert "13900005555" not in client.get(reverse("call_list")).content.decode()

    def test_residents_may_not_see_the_call_list_or_mark_calls(self, client):
        lecture = event()
        signup = lecture.sign_up(by=grid_worker(), contact_name="吴秀珍", contact_phone="13900005555")
        signup.tell("测试")
        sign_in(client, UserFactory())
        assert client.post(reverse("volunteers:signup_phoned", kwargs={"pk": signup.pk})).status_code == 403
        signup.refresh_from_db()
        assert signup.phoned_at is None


# --- Ratings and personal data ---------------------------------------------------------------------------


@pytest.mark.django_db
class TestRatings:
    def ended_with(self, resident):
        starts = timezone.now() - timedelta(hours=3)
        lecture = event(starts_at=starts, ends_at=starts + timedelta(hours=1), signup_deadline=starts)
        signup = SignUp.objects.create(activity=lecture, person=resident, code="333333", attended=True)
        return lecture, signup

    def test_an_attendee_rates_once_after_the_event_and_the_host_sees_the_average(self, client):
        resident = UserFactory()
        lecture, signup = self.ended_with(resident)
        sign_in(client, resident)
        client.post(reverse("volunteers:rate", kwargs={"pk": lecture.pk}), {"stars": "4", "comment": "讲得清楚"})
        response = client.post(reverse("volunteers:rate", kwargs={"pk": lecture.pk}), {"stars": "1"}, follow=True)
        assert "已经评价过" in response.content.decode()
        signup.refresh_from_db()
        assert (signup.rating, signup.rating_comment) == (4, "讲得清楚")
        sign_in(client, grid_worker())
        assert "平均 4.0 星" in client.get(reverse("volunteers:check_in", kwargs={"pk": lecture.pk})).content.decode()

    @pytest.mark.parametrize("stars", ["0", "6", "-1", "abc", ""])
    def test_a_bad_rating_is_refused(self, client, stars):
        resident = UserFactory()
        lecture, signup = self.ended_with(resident)
        sign_in(client, resident)
        client.post(reverse("volunteers:rate", kwargs={"pk": lecture.pk}), {"stars": stars})
        signup.refresh_from_db()
        assert signup.rating is None

    def test_someone_who_did_not_attend_cannot_rate(self):
        resident = UserFactory()
        lecture, signup = self.ended_with(resident)
        SignUp.objects.filter(pk=signup.pk).update(attended=False)
        signup.refresh_from_db()
        with pytest.raises(VolunteerError, match="签到参加"):
            signup.rate(by=resident, stars=5)

    def test_sign_ups_are_in_the_data_download_and_go_with_the_account(self):
        resident = UserFactory()
        lecture = event()
        signup = lecture.sign_up(person=resident)
        data = user_export_data(user=resident)
        assert data["sign_ups"][0]["check_in_code"] == signup.code
        user_delete(user=resident)
        assert not SignUp.objects.filter(pk=signup.pk).exists()


@pytest.mark.django_db
def test_the_demo_has_resident_events_across_the_next_month_one_full_with_a_waiting_list():
    staff = StaffFactory(username="staff", is_superuser=True)
    resident = UserFactory(username="resident")
    demo._events(random.Random(1), {}, {}, staff)
    demo._events(random.Random(1), {}, {}, staff)  # idempotent
    events = Activity.objects.for_residents()
    assert events.count() == len(demo.EVENTS)
    assert all(e.starts_at < timezone.now() + timedelta(days=31) for e in events)
    lecture = events.get(title__startswith="健康讲座")
    assert (lecture.signup_count, lecture.waiting_count) == (lecture.capacity, 3)
    # The demo resident has a place, and her code, at the 科普进家庭 talk.
    assert SignUp.objects.get(person=resident, activity__title__startswith="科普进家庭").code
