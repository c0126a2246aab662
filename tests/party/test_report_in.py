"""双报到: a person's year of service, in-service members and units reporting in, the unit's feedback sheet."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from community.contributions import personal_data_erase, personal_data_export, service_of, service_totals
from community.models import Notification
from party.models import FeedbackSheet, InServiceMember, ServicePost
from tests.factories import (
    ActivityFactory,
    BuildingFactory,
    PartnerUnitFactory,
    PartyMembershipFactory,
    StaffFactory,
    UserFactory,
    VolunteerFactory,
)
from tests.signing_in import sign_in
from tests.test_hostile_input import PAYLOADS, SCRIPT, forms_on, hostile_data
from volunteers.models import PartnerMembership, PartnerUnit, ServiceHourRecord, SignUp
from whistles.models import Category, Whistle, WhistleUpdate
from wishes.models import Wish

SHANGHAI = ZoneInfo("Asia/Shanghai")
YEAR = timezone.localdate().year - 1


def at(month, day, hour=10, minute=0, year=YEAR):
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def fulfilled_wish(*, by, when, staff, unit=None, title="买菜"):
    wish = Wish.submit(
        by=UserFactory(),
        title=title,
        description="需要帮助。",
        category=Wish.Category.GOODS,
        building=BuildingFactory(),
        needed_by=timezone.localdate() + timedelta(days=10),
        contact_phone="13800001111",
        contact_address="团结巷1栋",
    )
    wish.publish(by=staff)
    wish.claim(by=by, unit=unit)
    wish.fulfil(by=by, note="送到了")
    Wish.objects.filter(pk=wish.pk).update(fulfilled_at=when)
    return wish


def attended(volunteer, when, hours="2", title="楼道清理"):
    activity = ActivityFactory(title=title, starts_at=when, ends_at=when + timedelta(hours=2), signup_deadline=when)
    SignUp.objects.create(activity=activity, volunteer=volunteer, person=volunteer.user, attended=True)
    ServiceHourRecord.objects.create(
        volunteer=volunteer, activity=activity, hours=Decimal(hours), served_on=when.date(), kind="attendance"
    )
    return activity


def answered(unit, member, when, staff, title="修路"):
    whistle = Whistle.blow(
        by=staff, units=[unit], title=title, description="修补", category=Category.ROADS, building=BuildingFactory()
    )
    call = whistle.calls.get()
    call.report_in(by=member, people=2)
    WhistleUpdate.objects.filter(call=call).update(created=when)
    return whistle


@pytest.fixture
def staff(db):
    return StaffFactory(is_superuser=True)


@pytest.fixture
def unit(db):
    return PartnerUnitFactory(name="市税务局")


def in_service(person, unit, *, status="approved", posts=()):
    PartyMembershipFactory(member=person)
    member = InServiceMember.objects.create(
        person=person, unit=unit, position="科员", availability="周六上午", status=status
    )
    member.posts.set(posts)
    return member


# --- A person's year of service ---------------------------------------------------------------------------


def test_service_of_lists_exactly_that_persons_lines_for_exactly_that_year(staff, unit):
    volunteer = VolunteerFactory(user=UserFactory(display_name="赵党员"))
    person = volunteer.user
    PartnerMembership.objects.create(unit=unit, user=person)
    other = VolunteerFactory()
    PartnerMembership.objects.create(unit=unit, user=other.user)

    fulfilled_wish(by=person, when=at(3, 1), staff=staff, title="今年的心愿")
    fulfilled_wish(by=person, when=at(12, 31, 23, 30), staff=staff, unit=unit, title="除夕夜的心愿")
    fulfilled_wish(by=person, when=at(1, 1, 0, 10, year=YEAR + 1), staff=staff, title="次年元旦的心愿")
    fulfilled_wish(by=person, when=at(12, 31, 23, 0, year=YEAR - 1), staff=staff, title="上一年的心愿")
    fulfilled_wish(by=other.user, when=at(5, 1), staff=staff, title="别人的心愿")
    attended(volunteer, at(4, 2), hours="2.5", title="今年的活动")
    attended(volunteer, at(4, 2, year=YEAR - 1), title="去年的活动")
    attended(other, at(4, 3), title="别人的活动")
    ServiceHourRecord.objects.create(
        volunteer=volunteer, hours=Decimal("1"), served_on=at(6, 1).date(), kind="adjustment", reason="补记入户走访"
    )
    answered(unit, person, at(7, 1), staff, title="今年的吹哨")
    answered(unit, other.user, at(7, 2), staff, title="别人的吹哨")

    lines = service_of(person, YEAR)

    titles = [line.title for line in lines]
    assert titles == [
        "实现心愿“今年的心愿”",
        "参加活动“今年的活动”",
        "服务时长调整：补记入户走访",
        "响应吹哨“今年的吹哨”：已报到，2 人前往处理。",
        "实现心愿“除夕夜的心愿”（代表市税务局）",
    ]
    totals = service_totals(lines)
    assert (totals.wishes, totals.activities, totals.hours, totals.whistles) == (2, 1, Decimal("3.5"), 1)
    assert totals.hours == volunteer.hours(YEAR)["year"]
    assert [line.title for line in service_of(person, YEAR + 1)] == ["实现心愿“次年元旦的心愿”"]


def test_the_record_page_shows_the_chosen_year_of_the_signed_in_person_only(client, staff):
    person = UserFactory(display_name="赵党员")
    fulfilled_wish(by=VolunteerFactory(user=person).user, when=at(3, 1), staff=staff, title="去年的心愿")
    fulfilled_wish(by=person, when=timezone.now(), staff=staff, title="今年的心愿")
    sign_in(client, person)

    page = client.get(reverse("party:service_record"), {"year": YEAR}).content.decode()
    assert "去年的心愿" in page and "今年的心愿" not in page
    page = client.get(reverse("party:service_record"), {"year": "<script>"}).content.decode()
    assert "今年的心愿" in page and "去年的心愿" not in page


def test_my_service_panel_shows_this_years_totals_to_party_members_only(client, staff):
    member = VolunteerFactory(user=UserFactory(display_name="赵党员")).user
    PartyMembershipFactory(member=member)
    fulfilled_wish(by=member, when=timezone.now(), staff=staff)
    resident = UserFactory()

    sign_in(client, member)
    page = client.get(reverse("me")).content.decode()
    assert "我的服务" in page and reverse("party:service_record") in page
    client.logout()
    sign_in(client, resident)
    page = client.get(reverse("me")).content.decode()
    assert "我的服务" not in page and reverse("party:in_service") in page


# --- 在职党员报到 ---------------------------------------------------------------------------------------------


def test_someone_not_a_confirmed_party_member_is_told_to_declare_first_and_cannot_register(client, unit):
    person = UserFactory()
    PartyMembershipFactory(member=person, status="declared")
    sign_in(client, person)

    page = client.get(reverse("party:in_service")).content.decode()
    assert "需要先登记党员身份" in page
    response = client.post(
        reverse("party:in_service"), {"unit": unit.pk, "position": "科员", "availability": "周六"}, follow=True
    )
    assert "请先登记党员身份" in response.content.decode()
    assert not InServiceMember.objects.exists()


def test_a_party_member_registers_staff_approve_and_he_changes_his_posts(client, unit, staff):
    person = UserFactory(display_name="钱在职")
    PartyMembershipFactory(member=person)
    post, other_post = (
        ServicePost.objects.create(name="楼栋长助理", description="协助"),
        ServicePost.objects.create(name="文明劝导员", description="劝导"),
    )
    closed = ServicePost.objects.create(name="旧岗位", description="不再需要", active=False)
    sign_in(client, person)
    page = client.get(reverse("party:in_service")).content.decode()
    assert "楼栋长助理" in page and "旧岗位" not in page

    response = client.post(
        reverse("party:in_service"),
        {"unit": unit.pk, "position": "科员", "skills": "法律咨询", "availability": "周六上午", "posts": [post.pk]},
    )
    assert response.status_code == 302
    member = InServiceMember.objects.get(person=person)
    assert member.status == "pending" and list(member.posts.all()) == [post]
    assert Notification.objects.filter(recipient=staff, title__contains="钱在职").exists()

    client.logout()
    sign_in(client, staff)
    assert "钱在职" in client.get(reverse("party:in_service_review")).content.decode()
    client.post(reverse("party:approve_member", kwargs={"pk": member.pk}))
    member.refresh_from_db()
    assert member.status == "approved" and member.decided_by == staff
    assert Notification.objects.filter(recipient=person, title__contains="报到已通过").exists()

    client.logout()
    sign_in(client, person)
    client.post(reverse("party:choose_posts"), {"posts": [other_post.pk]})
    assert list(member.posts.all()) == [other_post]
    response = client.post(reverse("party:choose_posts"), {"posts": [closed.pk]}, follow=True)
    assert "不再开放" in response.content.decode() and list(member.posts.all()) == [other_post]
    # Registering again is refused; the registration stays as it was.
    client.post(reverse("party:in_service"), {"unit": unit.pk, "position": "处长", "availability": "周日"})
    member.refresh_from_db()
    assert member.position == "科员"


def test_a_declined_registration_needs_a_reason_and_may_be_sent_again(client, unit, staff):
    person = UserFactory()
    member = in_service(person, unit, status="pending")
    sign_in(client, staff)
    client.post(reverse("party:decline_member", kwargs={"pk": member.pk}), {"reason": " "})
    member.refresh_from_db()
    assert member.status == "pending"
    client.post(reverse("party:decline_member", kwargs={"pk": member.pk}), {"reason": "单位信息不符"})
    member.refresh_from_db()
    assert member.status == "declined"
    assert Notification.objects.filter(recipient=person, title__contains="没有通过").exists()
    client.logout()
    sign_in(client, person)
    client.post(reverse("party:in_service"), {"unit": unit.pk, "position": "科长", "availability": "周日"})
    member.refresh_from_db()
    assert (member.status, member.position, member.decision_note) == ("pending", "科长", "")


def test_review_pages_are_for_staff_with_the_permission(client, unit):
    member = in_service(UserFactory(), unit, status="pending")
    sign_in(client, StaffFactory())
    assert client.get(reverse("party:in_service_review")).status_code == 403
    assert client.post(reverse("party:approve_member", kwargs={"pk": member.pk})).status_code == 403
    member.refresh_from_db()
    assert member.status == "pending"


def test_the_party_office_reviews_a_registration_from_its_workbench(client, unit):
    """The 党务 role holds the review permission: the waiting registration is on its 我的, one click from the
    review page, and its approval goes through."""
    member = in_service(UserFactory(), unit, status="pending")
    sign_in(client, StaffFactory(groups=["党务"]))
    workbench = client.get(reverse("me")).content.decode()
    assert reverse("party:in_service_review") in workbench
    assert member.person.display_name in client.get(reverse("party:in_service_review")).content.decode()
    assert client.post(reverse("party:approve_member", kwargs={"pk": member.pk})).status_code == 302
    member.refresh_from_db()
    assert member.status == "approved"


# --- Unit registration --------------------------------------------------------------------------------------

UNIT = {
    "name": "市第一中学",
    "kind": "school",
    "description": "学校党支部",
    "office_phone": "0791-1234567",
    "office_address": "学府路1号",
    "contact_name": "周老师",
    "contact_phone": "13912345678",
}


def test_a_registered_unit_is_hidden_until_approved_then_its_registrant_is_its_contact(client, staff):
    person = UserFactory()
    sign_in(client, person)
    response = client.post(reverse("party:register_unit"), UNIT)
    assert response.status_code == 302
    unit = PartnerUnit.objects.get(name="市第一中学")
    assert (unit.registration, unit.registered_by) == ("pending", person)
    PartnerMembership.objects.create(unit=unit, user=person)

    assert "市第一中学" not in client.get(reverse("volunteers:units")).content.decode()
    assert client.get(reverse("volunteers:unit", kwargs={"pk": unit.pk})).status_code == 404
    assert not PartnerUnit.objects.with_member(person).exists()  # may not claim wishes or answer whistles for it
    client.logout()
    sign_in(client, staff)
    assert "市第一中学" not in client.get(reverse("whistles:blow")).content.decode()
    assert "13912345678" in client.get(reverse("party:in_service_review")).content.decode()

    client.post(reverse("party:approve_unit", kwargs={"pk": unit.pk}))
    unit.refresh_from_db()
    assert unit.registration == "approved"
    assert PartnerMembership.objects.get(unit=unit, user=person).is_contact
    assert Notification.objects.filter(recipient=person, title__contains="单位联系人").exists()
    client.logout()
    assert "市第一中学" in client.get(reverse("volunteers:units")).content.decode()
    assert "13912345678" not in client.get(reverse("volunteers:unit", kwargs={"pk": unit.pk})).content.decode()


def test_a_unit_registration_with_bad_input_is_shown_again_with_messages_and_nothing_saved(client, db):
    sign_in(client, UserFactory())
    response = client.post(reverse("party:register_unit"), {**UNIT, "contact_phone": "12345", "name": ""})
    page = response.content.decode()
    assert response.status_code == 200
    assert "请填写单位名称" in page and "手机号格式不正确" in page and "周老师" in page
    assert not PartnerUnit.objects.exists()
    PartnerUnitFactory(name="市第一中学")
    response = client.post(reverse("party:register_unit"), UNIT)
    assert "已经报到过了" in response.content.decode()


def test_a_unit_contact_sees_his_units_members_with_masked_phones_and_nothing_else(client, unit):
    contact = UserFactory(username="13900001234")
    PartnerMembership.objects.create(unit=unit, user=contact, is_contact=True)
    plain_member = UserFactory()
    PartnerMembership.objects.create(unit=unit, user=plain_member)
    post = ServicePost.objects.create(name="政策宣讲员", description="宣讲")
    in_service(UserFactory(username="13812345678", display_name="孙在职"), unit, posts=[post])
    in_service(UserFactory(display_name="李待审"), unit, status="pending")
    in_service(UserFactory(display_name="外单位"), PartnerUnitFactory(name="别的单位"))

    sign_in(client, contact)
    page = client.get(reverse("party:unit_members")).content.decode()
    assert "孙在职" in page and "政策宣讲员" in page and "138****5678" in page
    assert "13812345678" not in page and "李待审" not in page and "外单位" not in page
    client.logout()
    sign_in(client, plain_member)
    assert client.get(reverse("party:unit_members")).status_code == 404


# --- The feedback sheet ---------------------------------------------------------------------------------------


def test_the_units_yearly_sheet_lists_exactly_that_members_service_once_he_has_seen_it(client, unit, staff):
    person = VolunteerFactory(user=UserFactory(display_name="钱在职")).user
    member = in_service(person, unit, posts=[ServicePost.objects.create(name="助老帮扶", description="帮扶")])
    colleague = VolunteerFactory(user=UserFactory(display_name="吴同事")).user
    in_service(colleague, unit)
    fulfilled_wish(by=person, when=at(5, 1), staff=staff, title="钱的心愿")
    fulfilled_wish(by=person, when=at(5, 1, year=YEAR - 1), staff=staff, title="钱前年的心愿")
    fulfilled_wish(by=colleague, when=at(5, 2), staff=staff, title="吴的心愿")
    sheet_url = reverse("party:unit_feedback", kwargs={"pk": unit.pk, "year": YEAR})

    sign_in(client, staff)
    units_page = client.get(reverse("party:units"), {"year": YEAR}).content.decode()
    assert "钱在职" in units_page and "吴同事" in units_page
    client.post(
        reverse("party:write_feedback", kwargs={"pk": member.pk, "year": YEAR}), {"evaluation": "积极参加社区服务。"}
    )
    sheet = FeedbackSheet.objects.get(member=member, year=YEAR)
    assert Notification.objects.filter(recipient=person, title__contains="反馈表").exists()
    page = client.get(sheet_url).content.decode()
    assert "积极参加社区服务" not in page and "等本人查看" in page
    response = client.post(reverse("party:print_feedback", kwargs={"pk": unit.pk, "year": YEAR}), follow=True)
    assert "还没有本人确认过的反馈表" in response.content.decode()

    client.logout()
    sign_in(client, person)
    assert "积极参加社区服务" in client.get(reverse("party:in_service")).content.decode()
    client.post(reverse("party:acknowledge_sheet", kwargs={"pk": sheet.pk}), {"remark": "今后继续努力"})
    sheet.refresh_from_db()
    assert sheet.seen_at is not None and sheet.member_remark == "今后继续努力"
    assert client.get(sheet_url).status_code == 403

    client.logout()
    sign_in(client, staff)
    page = client.get(sheet_url).content.decode()
    assert "积极参加社区服务" in page and "今后继续努力" in page and "助老帮扶" in page
    assert "钱的心愿" in page
    assert "钱前年的心愿" not in page and "吴的心愿" not in page
    assert "吴同事" in page  # listed as waiting, nothing of his printed
    client.post(reverse("party:print_feedback", kwargs={"pk": unit.pk, "year": YEAR}))
    sheet.refresh_from_db()
    assert sheet.printed_at is not None
    response = client.post(
        reverse("party:write_feedback", kwargs={"pk": member.pk, "year": YEAR}), {"evaluation": "改写"}
    )
    assert "不能再修改" in response.content.decode()


def test_someone_else_cannot_acknowledge_a_members_sheet(client, unit, staff):
    member = in_service(UserFactory(), unit)
    sheet = FeedbackSheet.write(member=member, year=YEAR, evaluation="好", by=staff)
    sign_in(client, UserFactory())
    assert client.post(reverse("party:acknowledge_sheet", kwargs={"pk": sheet.pk})).status_code == 404
    sheet.refresh_from_db()
    assert sheet.seen_at is None


def test_registration_and_sheets_are_in_the_data_download_and_erased_with_the_account(unit, staff):
    person = UserFactory()
    member = in_service(person, unit)
    FeedbackSheet.write(member=member, year=YEAR, evaluation="积极", by=staff)
    exported = {}
    for entry in personal_data_export:
        exported.update(entry(person))
    assert exported["in_service_registration"]["feedback_sheets"][0]["evaluation"] == "积极"
    for entry in personal_data_erase:
        entry(person)
    assert not InServiceMember.objects.filter(person=person).exists()
    assert not FeedbackSheet.objects.exists()


# --- Hostile input on the forms only a party member sees (the common walk has no unregistered party member) ----


@pytest.mark.parametrize("variant", range(0, len(PAYLOADS), 2))
def test_hostile_input_in_the_registration_form_is_refused_with_messages_and_saves_nothing(client, unit, variant):
    person = UserFactory()
    PartyMembershipFactory(member=person)
    ServicePost.objects.create(name="楼栋长助理", description="协助")
    sign_in(client, person)
    page = client.get(reverse("party:in_service")).content.decode()
    (form,) = [f for f in forms_on(page, reverse("party:in_service")) if f["action"] == reverse("party:in_service")]
    assert {"unit", "position", "availability", "posts"} <= set(form["fields"])

    response = client.post(form["action"], hostile_data(form["fields"], variant))

    assert response.status_code in (200, 302)
    assert SCRIPT not in response.content.decode()
    assert not InServiceMember.objects.exists()
    # With a real unit and sensible text the same payloads in the free fields are stored as plain text.
    data = {**hostile_data(form["fields"], variant), "unit": unit.pk, "posts": []}
    data = {k: (v[:30] if isinstance(v, str) else v) for k, v in data.items()}
    response = client.post(form["action"], data)
    member = InServiceMember.objects.filter(person=person).first()
    assert (member is None) == (response.status_code == 200)


def test_a_unit_staff_enter_in_the_admin_is_approved_at_once_and_listed(client, staff):
    sign_in(client, staff)
    response = client.post(
        reverse("admin:volunteers_partnerunit_add"),
        {
            "name": "区税务局",
            "kind": "government",
            "description": "",
            "office_phone": "",
            "office_address": "",
            "contact_name": "吴科长",
            "contact_phone": "13900009999",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    unit = PartnerUnit.objects.get(name="区税务局")
    assert (unit.registration, unit.registered_by, unit.decided_by) == ("approved", staff, staff)
    client.logout()
    assert "区税务局" in client.get(reverse("volunteers:units")).content.decode()
