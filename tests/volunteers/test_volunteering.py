"""Volunteers: applications, teams, activities with capacity and check-in, hours, appointments, permissions."""

import re
import threading
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import connections
from django.urls import reverse
from django.utils import timezone

from community.models import ContactView, Notification
from tests.factories import (
    ActivityFactory,
    StaffFactory,
    TeamFactory,
    UserFactory,
    VolunteerFactory,
    WorkstationFactory,
    add_member,
)
from tests.signing_in import sign_in
from volunteers import views as volunteer_views
from volunteers.models import (
    Activity,
    Appointment,
    OpeningHours,
    ServiceHourRecord,
    SignUp,
    TeamMembership,
    Volunteer,
    VolunteerError,
    honour_roll,
)

pytestmark = pytest.mark.django_db


def application(**changes):
    data = {
        "real_name": "孙丽萍",
        "phone": "139 1234 5678",
        "skills": "理发",
        "availability": "周末",
        "accept_terms": "on",
    }
    data.update(changes)
    return data


class TestApplications:
    def test_a_resident_applies_and_staff_approve(self, client):
        team = TeamFactory(name="爱心助老协会")
        resident = UserFactory()
        sign_in(client, resident)
        response = client.post(reverse("volunteers:apply"), {**application(), "teams": [team.pk]})
        assert response.status_code == 302
        volunteer = Volunteer.objects.get(user=resident)
        assert volunteer.status == Volunteer.Status.APPLIED and volunteer.phone == "13912345678"
        sign_in(client, StaffFactory(groups=["审核员"]))
        client.post(reverse("volunteers:approve", kwargs={"pk": volunteer.pk}))
        volunteer.refresh_from_db()
        assert volunteer.status == Volunteer.Status.APPROVED
        assert TeamMembership.objects.get(volunteer=volunteer, team=team).status == TeamMembership.Status.REQUESTED
        assert Notification.objects.filter(recipient=resident, title__contains="已通过").exists()

    def test_a_rejection_carries_a_reason_the_applicant_sees(self, client):
        volunteer = VolunteerFactory(status="applied")
        sign_in(client, StaffFactory(groups=["审核员"]))
        client.post(reverse("volunteers:reject", kwargs={"pk": volunteer.pk}), {"reason": "请先参加一次志愿者培训"})
        sign_in(client, volunteer.user)
        assert "请先参加一次志愿者培训" in client.get(reverse("me")).text

    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [
            ("phone", "1234567", "手机号格式不正确"),
            ("real_name", "😀", "只能包含汉字"),
            ("accept_terms", "", "志愿者守则"),
        ],
    )
    def test_bad_applications_get_a_message_and_save_nothing(self, client, field, value, message):
        sign_in(client, UserFactory())
        response = client.post(reverse("volunteers:apply"), application(**{field: value}))
        assert response.status_code == 200 and message in response.text
        assert not Volunteer.objects.exists()

    def test_residents_cannot_review_applications(self, client):
        volunteer = VolunteerFactory(status="applied")
        sign_in(client, VolunteerFactory().user)
        assert client.get(reverse("volunteers:applications")).status_code == 403
        assert client.post(reverse("volunteers:approve", kwargs={"pk": volunteer.pk})).status_code == 403
        assert Volunteer.objects.get(pk=volunteer.pk).status == Volunteer.Status.APPLIED


class TestTeams:
    def test_a_leader_accepts_a_join_request(self, client):
        team = TeamFactory()
        leader = VolunteerFactory()
        add_member(team, leader, leader=True)
        newcomer = VolunteerFactory()
        sign_in(client, newcomer.user)
        client.post(reverse("volunteers:join", kwargs={"pk": team.pk}))
        membership = TeamMembership.objects.get(volunteer=newcomer)
        sign_in(client, leader.user)
        client.post(reverse("volunteers:accept_member", kwargs={"pk": membership.pk}))
        assert TeamMembership.objects.get(pk=membership.pk).status == TeamMembership.Status.ACCEPTED

    def test_a_plain_member_cannot_accept_requests(self, client):
        team = TeamFactory()
        member = VolunteerFactory()
        add_member(team, member)
        membership = TeamMembership.objects.create(team=team, volunteer=VolunteerFactory())
        sign_in(client, member.user)
        assert client.post(reverse("volunteers:accept_member", kwargs={"pk": membership.pk})).status_code == 404

    def test_phone_numbers_are_visible_to_staff_and_the_team_s_leaders_only(self, client):
        team = TeamFactory()
        leader, member, outsider = VolunteerFactory(), VolunteerFactory(phone="13911112222"), VolunteerFactory()
        add_member(team, leader, leader=True)
        add_member(team, member)
        other_team = TeamFactory()
        add_member(other_team, outsider, leader=True)
        url = reverse("volunteers:team", kwargs={"pk": team.pk})
        for viewer, sees in [
            (None, False),
            (UserFactory(), False),
            (member.user, False),
            (outsider.user, False),
            (leader.user, True),
            (StaffFactory(groups=["审核员"]), True),
        ]:
            if viewer:
                sign_in(client, viewer)
            else:
                client.logout()
            assert ("13911112222" in client.get(url).text) == sees, viewer
        assert member.phone_visible_to(leader.user) and not member.phone_visible_to(outsider.user)

    def test_a_big_team_s_roster_comes_a_page_at_a_time_and_only_the_page_shown_is_logged(self, client, monkeypatch):
        monkeypatch.setattr(volunteer_views, "ROSTER_PER_PAGE", 3)
        team, leader = TeamFactory(), VolunteerFactory()
        add_member(team, leader, leader=True)
        members = [VolunteerFactory(phone=f"1391111000{i}") for i in range(4)]
        for member in members:
            add_member(team, member)
        sign_in(client, leader.user)
        first = client.get(reverse("volunteers:team", kwargs={"pk": team.pk})).text
        shown = [member for member in members if member.phone in first]
        assert len(shown) == 2 and "第 1 / 2 页" in first  # the leader heads the list
        assert set(ContactView.objects.filter(viewer=leader.user).values_list("subject", flat=True)) == {
            member.user.pk for member in shown
        }
        next_page = re.search(r'href="([^"]+)" rel="next"', first).group(1).replace("&amp;", "&")
        second = client.get(reverse("volunteers:team", kwargs={"pk": team.pk}) + next_page).text
        assert [member for member in members if member.phone in second] == [
            member for member in members if member not in shown
        ]
        assert ContactView.objects.filter(viewer=leader.user).count() == 4

    def test_team_and_unit_pages_count_the_wishes_credited_to_them(self, client):
        from tests.wishes.helpers import make_member, make_wish
        from volunteers.models import PartnerMembership

        team = TeamFactory()
        member = VolunteerFactory()
        add_member(team, member)
        _other_member, unit = make_member()
        PartnerMembership.objects.create(unit=unit, user=member.user)
        for number in range(11):
            make_wish(status="confirmed", claimant=member.user, title=f"队员帮忙实现的第{number}个")
        for_the_unit = make_wish(title="以单位名义认领的心愿")
        for_the_unit.claim(by=member.user, unit=unit)
        for_the_unit.fulfil(by=member.user)
        make_wish(status="confirmed", title="别人实现的心愿")  # by a volunteer outside the team

        # The wishes app contributes the figure and the list to the team's and the unit's page.
        page = client.get(reverse("volunteers:team", kwargs={"pk": team.pk}))
        assert dict(page.context["part_figures"])["帮助实现心愿"] == 11  # the figure, though the list shows 10
        assert len(page.context["wishes"]) == 10
        assert "以单位名义认领的心愿" not in page.text and "别人实现的心愿" not in page.text
        page = client.get(reverse("volunteers:unit", kwargs={"pk": unit.pk}))
        assert dict(page.context["part_figures"])["帮助实现心愿"] == 1
        assert [wish.title for wish in page.context["wishes"]] == ["以单位名义认领的心愿"]


class TestActivities:
    def test_sign_up_and_cancel_before_the_deadline(self):
        activity = ActivityFactory(capacity=2)
        volunteer = VolunteerFactory()
        signup = activity.sign_up(volunteer=volunteer)
        signup.cancel(by=volunteer.user)
        activity.sign_up(volunteer=volunteer)  # again, after cancelling
        assert SignUp.objects.filter(activity=activity, status="signed_up").count() == 1

    @pytest.mark.parametrize(
        ("case", "message"),
        [
            ("after deadline", "报名已经截止"),
            ("full", "名额已满"),
            ("twice", "已经报名"),
            ("not a volunteer", "只有审核通过的志愿者"),
            ("applied only", "只有审核通过的志愿者"),
        ],
    )
    def test_bad_sign_ups_are_refused_with_a_message(self, case, message):
        activity = ActivityFactory(capacity=1)
        volunteer = VolunteerFactory()
        now = None
        if case == "after deadline":
            now = activity.signup_deadline + timedelta(minutes=1)
        elif case == "full":
            activity.sign_up(volunteer=VolunteerFactory())
        elif case == "twice":
            activity.capacity = 5
            activity.save()
            activity.sign_up(volunteer=volunteer)
        elif case == "not a volunteer":
            volunteer = None
        elif case == "applied only":
            volunteer = VolunteerFactory(status="applied")
        before = SignUp.objects.count()
        with pytest.raises(VolunteerError, match=message):
            activity.sign_up(volunteer=volunteer, now=now)
        assert SignUp.objects.count() == before

    def test_a_full_activity_says_so_on_its_page(self, client):
        activity = ActivityFactory(capacity=1)
        activity.sign_up(volunteer=VolunteerFactory())
        sign_in(client, VolunteerFactory().user)
        assert "名额已满" in client.get(activity.get_absolute_url()).text

    def test_check_in_and_close_credit_the_duration(self):
        team = TeamFactory()
        leader = VolunteerFactory()
        add_member(team, leader, leader=True)
        start = timezone.now() - timedelta(hours=3)
        activity = ActivityFactory(
            team=team,
            starts_at=start,
            ends_at=start + timedelta(hours=2, minutes=30),
            signup_deadline=start - timedelta(hours=1),
        )
        present, absent = VolunteerFactory(), VolunteerFactory()
        for volunteer in (present, absent):
            SignUp.objects.create(activity=activity, volunteer=volunteer)
        SignUp.objects.get(volunteer=present).check_in(by=leader.user)
        activity.close_check_in(by=leader.user)
        assert Activity.objects.get(pk=activity.pk).status == Activity.Status.COMPLETED
        assert present.hours()["total"] == Decimal("2.5")
        assert absent.hours()["total"] == 0

    def test_an_adjustment_is_its_own_record_with_a_reason(self):
        start = timezone.now() - timedelta(hours=5)
        activity = ActivityFactory(starts_at=start, ends_at=start + timedelta(hours=2), signup_deadline=start)
        staff = StaffFactory(is_superuser=True)
        volunteer = VolunteerFactory()
        SignUp.objects.create(activity=activity, volunteer=volunteer).check_in(by=staff)
        activity.close_check_in(by=staff)
        activity.refresh_from_db()
        activity.adjust_hours(by=staff, volunteer=volunteer, hours=Decimal("3"), reason="提前到场布置")
        records = list(ServiceHourRecord.objects.filter(volunteer=volunteer).order_by("id"))
        assert [(r.kind, r.hours) for r in records] == [
            ("attendance", Decimal("2.00")),
            ("adjustment", Decimal("1.00")),
        ]
        assert records[1].reason == "提前到场布置"
        assert volunteer.hours()["total"] == Decimal("3")
        with pytest.raises(VolunteerError, match="原因"):
            activity.adjust_hours(by=staff, volunteer=volunteer, hours=Decimal("1"), reason=" ")

    def test_a_volunteer_who_is_not_leader_or_staff_cannot_check_anyone_in(self, client):
        team = TeamFactory()
        member = VolunteerFactory()
        add_member(team, member)
        activity = ActivityFactory(team=team)
        signup = SignUp.objects.create(activity=activity, volunteer=VolunteerFactory())
        sign_in(client, member.user)
        assert client.get(reverse("volunteers:check_in", kwargs={"pk": activity.pk})).status_code == 403
        url = reverse("volunteers:mark_present", kwargs={"pk": activity.pk, "signup_pk": signup.pk})
        assert client.post(url).status_code == 404
        assert client.post(reverse("volunteers:close_check_in", kwargs={"pk": activity.pk})).status_code == 404
        signup.refresh_from_db()
        assert not signup.attended


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_number", range(3))
def test_twenty_concurrent_sign_ups_for_five_places_let_exactly_five_in(round_number):
    activity = ActivityFactory(capacity=5)
    volunteers = [VolunteerFactory() for _ in range(20)]
    barrier = threading.Barrier(20)
    outcomes, lock = [], threading.Lock()

    def attempt(volunteer):
        try:
            barrier.wait()
            Activity.objects.get(pk=activity.pk).sign_up(volunteer=volunteer)
            result = "ok"
        except VolunteerError as error:
            result = error.message
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=attempt, args=(v,)) for v in volunteers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("ok") == 5
    assert outcomes.count("名额已满，下次早点报名吧。") == 15
    assert SignUp.objects.filter(activity=activity, status="signed_up").count() == 5


class TestHours:
    def make_record(self, volunteer, hours, day, kind="attendance", reason=""):
        return ServiceHourRecord.objects.create(
            volunteer=volunteer, hours=Decimal(hours), served_on=day, kind=kind, reason=reason
        )

    def test_totals_add_up_across_activities_years_and_adjustments(self):
        volunteer = VolunteerFactory()
        self.make_record(volunteer, "2", date(2025, 12, 31))
        self.make_record(volunteer, "3", date(2026, 1, 1))
        self.make_record(volunteer, "1.5", date(2026, 6, 1))
        self.make_record(volunteer, "-0.5", date(2026, 6, 1), kind="adjustment", reason="早退")
        assert volunteer.hours(2026) == {"total": Decimal("6.00"), "year": Decimal("4.00")}
        assert volunteer.hours(2025)["year"] == Decimal("2.00")

    def test_an_activity_s_hours_count_on_its_day_in_shanghai(self):
        # 23:30 on 31 December in UTC is already 1 January in Shanghai.
        start = datetime(2025, 12, 31, 17, 0, tzinfo=UTC)
        activity = ActivityFactory(starts_at=start, ends_at=start + timedelta(hours=2), signup_deadline=start)
        volunteer = VolunteerFactory()
        staff = StaffFactory(is_superuser=True)
        SignUp.objects.create(activity=activity, volunteer=volunteer).check_in(by=staff)
        with time_machine.travel(start + timedelta(hours=3)):
            activity.close_check_in(by=staff)
        assert ServiceHourRecord.objects.get().served_on == date(2026, 1, 1)

    def test_the_honour_roll_ranks_this_year_by_hours(self, client):
        team = TeamFactory(name="卫生保洁协会")
        first, second = VolunteerFactory(show_on_honour_roll=True), VolunteerFactory()
        today = timezone.localdate()
        activity = ActivityFactory(team=team)
        ServiceHourRecord.objects.create(
            volunteer=first, activity=activity, hours=5, served_on=today, kind="attendance"
        )
        ServiceHourRecord.objects.create(
            volunteer=second, activity=activity, hours=3, served_on=today, kind="attendance"
        )
        ServiceHourRecord.objects.create(
            volunteer=second, hours=9, served_on=today.replace(year=today.year - 1), kind="attendance"
        )
        roll = honour_roll()
        assert [v.pk for v in roll["volunteers"]] == [first.pk, second.pk]
        assert roll["teams"][0].year_hours == 8
        text = client.get(reverse("volunteers:honour_roll")).text
        assert first.user.display_name in text  # chose to be shown
        assert second.user.public_name in text and second.user.display_name not in text


class TestAppointments:
    @pytest.fixture
    def station(self):
        station = WorkstationFactory()
        OpeningHours.objects.create(workstation=station, weekday=2, start=time(9), end=time(11, 30))
        return station

    def next_wednesday(self):
        today = timezone.localdate()
        return today + timedelta(days=(2 - today.weekday()) % 7 or 7)

    def post(self, client, station, **changes):
        data = {"day": self.next_wednesday().isoformat(), "start": "09:30", "end": "10:30", "topic": "邻居漏水"}
        data.update(changes)
        return client.post(reverse("volunteers:request_appointment", kwargs={"pk": station.pk}), data)

    def test_a_resident_requests_and_the_leader_proposes_another_time(self, client, station):
        resident = UserFactory()
        sign_in(client, resident)
        assert self.post(client, station).status_code == 302
        appointment = Appointment.objects.get()
        sign_in(client, station.leader)
        later = self.next_wednesday() + timedelta(days=7)
        client.post(
            reverse("volunteers:propose_appointment", kwargs={"pk": appointment.pk}),
            {"day": later.isoformat(), "start": "10:00", "end": "11:00", "reply": "那天有调解"},
        )
        appointment.refresh_from_db()
        assert appointment.status == Appointment.Status.PROPOSED and appointment.day == later
        sign_in(client, resident)
        assert "建议改时间" in client.get(reverse("me")).text
        client.post(reverse("volunteers:accept_appointment", kwargs={"pk": appointment.pk}))
        assert Appointment.objects.get().status == Appointment.Status.CONFIRMED

    @pytest.mark.parametrize(
        ("changes", "message"),
        [
            ({"day": "2020-01-01"}, "不能预约过去的时间"),
            ({"start": "14:00", "end": "15:00"}, "这个时间工作室不开放"),
            ({"phone": "12345"}, "手机号格式不正确"),
            ({"start": "10:00", "end": "09:00"}, "结束时间要晚于开始时间"),
            ({"day": "2026-02-30"}, "请输入正确的日期"),
        ],
    )
    def test_bad_appointments_are_refused_with_a_message(self, client, station, changes, message):
        sign_in(client, UserFactory())
        response = self.post(client, station, **changes)
        assert response.status_code == 200 and message in response.text
        assert not Appointment.objects.exists()

    def test_only_the_leader_or_staff_answer_and_see_the_phone(self, client, station):
        resident = UserFactory()
        appointment = Appointment.objects.create(
            workstation=station,
            resident=resident,
            day=self.next_wednesday(),
            start=time(9, 30),
            end=time(10),
            topic="谈心",
            phone="13911112222",
        )
        sign_in(client, VolunteerFactory().user)
        assert client.get(reverse("volunteers:appointments", kwargs={"pk": station.pk})).status_code == 403
        assert client.post(reverse("volunteers:confirm_appointment", kwargs={"pk": appointment.pk})).status_code == 404
        sign_in(client, station.leader)
        assert "13911112222" in client.get(reverse("volunteers:appointments", kwargs={"pk": station.pk})).text


class TestPagesAndQueries:
    @pytest.fixture
    def team(self):
        team = TeamFactory()
        for index in range(25):
            volunteer = VolunteerFactory()
            add_member(team, volunteer, leader=index == 0)
        now = timezone.now()
        for index in range(12):
            start = now + timedelta(days=index - 6)
            activity = ActivityFactory(
                team=team,
                starts_at=start,
                ends_at=start + timedelta(hours=2),
                signup_deadline=start - timedelta(hours=1),
            )
            for volunteer in Volunteer.objects.all()[:5]:
                SignUp.objects.create(activity=activity, volunteer=volunteer)
        return team

    @pytest.mark.parametrize("page", ["index", "team", "activity", "honour_roll", "workstation"])
    def test_pages_run_a_constant_small_number_of_queries(self, client, team, page, django_assert_max_num_queries):
        station = WorkstationFactory()
        OpeningHours.objects.create(workstation=station, weekday=1, start=time(9), end=time(11))
        urls = {
            "index": reverse("volunteers:index"),
            "team": team.get_absolute_url(),
            "activity": team.activities.first().get_absolute_url(),
            "honour_roll": reverse("volunteers:honour_roll"),
            "workstation": station.get_absolute_url(),
        }
        with django_assert_max_num_queries(10):
            assert client.get(urls[page]).status_code == 200
        sign_in(client, Volunteer.objects.first().user)
        with django_assert_max_num_queries(10):
            assert client.get(urls[page]).status_code == 200

    def test_the_calendar_feeds_list_upcoming_activities(self, client, team):
        response = client.get(reverse("volunteers:calendar"))
        assert response["Content-Type"].startswith("text/calendar")
        body = response.content.decode()
        assert body.count("BEGIN:VEVENT") == Activity.objects.upcoming().count()
        assert (
            "BEGIN:VEVENT" in client.get(reverse("volunteers:team_calendar", kwargs={"pk": team.pk})).content.decode()
        )

    def test_a_printable_service_record_for_its_volunteer_and_staff_only(self, client):
        volunteer = VolunteerFactory(real_name="孙丽萍")
        ServiceHourRecord.objects.create(
            volunteer=volunteer, hours=2, served_on=timezone.localdate(), kind="attendance"
        )
        sign_in(client, volunteer.user)
        text = client.get(reverse("volunteers:my_record")).text
        assert "孙丽萍" in text and "江滨社区" in text
        sign_in(client, VolunteerFactory().user)
        assert client.get(reverse("volunteers:record", kwargs={"pk": volunteer.pk})).status_code == 404
        sign_in(client, StaffFactory(groups=["审核员"]))
        assert client.get(reverse("volunteers:record", kwargs={"pk": volunteer.pk})).status_code == 200

    def test_pages_are_valid_html(self, client, team, html_checker):
        station = WorkstationFactory()
        leader = Volunteer.objects.first()
        sign_in(client, leader.user)
        activity = team.activities.first()
        for url in (
            reverse("volunteers:index"),
            team.get_absolute_url(),
            activity.get_absolute_url(),
            reverse("volunteers:check_in", kwargs={"pk": activity.pk}),
            reverse("volunteers:honour_roll"),
            station.get_absolute_url(),
            reverse("volunteers:my_record"),
            reverse("volunteers:units"),
            reverse("volunteers:apply"),
            reverse("me"),
        ):
            html_checker.assert_valid(client.get(url).text, url)
