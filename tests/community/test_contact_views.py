"""Whoever is shown someone else's full phone or address leaves a record (ContactView) the resident can see.

The walk opens every page of the portal (the authorization table, plus every
wish, wish edit page and problem report) as every role, and every admin page
of every registered model (its list, and the change, delete, history and
password pages of each record) as each staff role. Wherever a response contains a full phone or address that belongs
to someone other than the viewer, that request must have recorded a view by
the viewer naming that person, or, for a resident without an account (代录),
the record that holds her details; and a request that shows nobody's details
records nothing.
"""

from collections import defaultdict
from datetime import timedelta

import pytest
from django.contrib import admin
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from community import audit
from community.models import ContactView, Grid, Home, User
from tests.factories import BuildingFactory, StaffFactory, UserFactory, VolunteerFactory
from tests.signing_in import sign_in
from tests.test_authorization import ROLES, PortalWorld, table
from tests.wishes.helpers import make_wish
from volunteers.models import Appointment, PartnerUnit, SignUp, Volunteer
from whistles.models import Category as ProblemCategory
from whistles.models import ProblemReport
from wishes.models import Wish

STAFF_ROLES = ("staff", "grid_worker", "editor")

ON_BEHALF_PHONE = "13500005555"
ON_BEHALF_ADDRESS = "幸福里5栋501"
CLAIMED_ON_BEHALF_PHONE = "13500007777"
REPORT_ON_BEHALF_PHONE = "13500006666"


def owners_of_every_secret():
    """Every full phone and address in the database → whose it is: {(account id or None, record type, record id)}.

    A resident without an account (代录) is known by the record alone.
    """
    owners = defaultdict(set)
    for wish in Wish.objects.all():
        for value in (wish.contact_phone, wish.contact_address):
            if value:
                owners[value].add((wish.owner_id, "wishes.wish", str(wish.pk)))
    for report in ProblemReport.objects.exclude(contact_phone=""):
        owners[report.contact_phone].add((report.reporter_id, "whistles.problemreport", str(report.pk)))
    for volunteer in Volunteer.objects.exclude(phone=""):
        owners[volunteer.phone].add((volunteer.user_id, "", ""))
    for signup in SignUp.objects.exclude(contact_phone=""):
        owners[signup.contact_phone].add((signup.person_id, "volunteers.signup", str(signup.pk)))
    for appointment in Appointment.objects.exclude(phone=""):
        owners[appointment.phone].add((appointment.resident_id, "", ""))
    for grid in Grid.objects.exclude(duty_phone=""):
        owners[grid.duty_phone].add((grid.grid_worker_id, "community.grid", str(grid.pk)))
    # 双报到: a unit's contact mobile, given by the person who registered the unit.
    for unit in PartnerUnit.objects.exclude(contact_phone=""):
        owners[unit.contact_phone].add((unit.registered_by_id, "volunteers.partnerunit", str(unit.pk)))
    for home in Home.objects.select_related("building"):
        owners[home.address].add((home.resident_id, "", ""))
    for user in User.objects.all():
        if user.login_is_phone:
            owners[user.username].add((user.pk, "", ""))
    return owners


def names_owner(view, owner):
    """Whether a recorded view names this owner of a secret."""
    person, target_type, target_id = owner
    if person is not None:
        return view.subject_id == person
    return view.subject_id is None and (view.target_type, view.target_id) == (target_type, target_id)


class ContactViewWorld(PortalWorld):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        w, staff = cls.world, cls.world["staff"]
        # Wishes that share a phone number would hide whose it is: each gets its own.
        for n, wish in enumerate(Wish.objects.filter(contact_phone="13600000000").order_by("pk")):
            Wish.objects.filter(pk=wish.pk).update(contact_phone=f"1360000010{n}", contact_address=f"朝阳路2栋{n}0{n}")
        base = {
            "description": "需要帮助。",
            "category": Wish.Category.GOODS,
            "building": w["home"].building,
            "needed_by": timezone.localdate() + timedelta(days=10),
        }
        # 代录: waiting for review (its edit page is open), and one a partner unit's member claimed for the unit.
        w["on_behalf_submitted"] = Wish.submit(
            by=w["grid_worker"],
            on_behalf=True,
            title="代录待审核的心愿",
            resident_name="李爷爷",
            contact_phone=ON_BEHALF_PHONE,
            contact_address=ON_BEHALF_ADDRESS,
            **base,
        )
        claimed = Wish.submit(
            by=staff,
            on_behalf=True,
            title="代录已认领的心愿",
            resident_name="赵奶奶",
            contact_phone=CLAIMED_ON_BEHALF_PHONE,
            contact_address="幸福里7栋701",
            **base,
        )
        claimed.publish(by=staff)
        claimed.claim(by=w["unit_member"], unit=w["unit"])
        w["on_behalf_claimed"] = claimed
        w["on_behalf_report"] = ProblemReport.submit(
            by=w["grid_worker"],
            on_behalf=True,
            category=ProblemCategory.LIGHTING,
            description="楼道灯不亮",
            building=w["home"].building,
            resident_name="钱阿姨",
            contact_phone=REPORT_ON_BEHALF_PHONE,
        )

    def portal_pages(self):
        """Every GET page of the authorization table, every wish and its edit page, every problem report."""
        urls = {url for method, url, _data, _expected in table(self.world).values() if method == "get"}
        for wish in Wish.objects.all():
            urls |= {wish.get_absolute_url(), reverse("wishes:edit", kwargs={"pk": wish.pk})}
        urls |= {report.get_absolute_url() for report in ProblemReport.objects.all()}
        return sorted(urls)

    @staticmethod
    def admin_pages():
        """Every registered model's list, and every page of each of its records (change, delete, history, password)."""
        urls = []
        for model, model_admin in admin.site._registry.items():
            urls.append(reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"))
            of_a_record = [p.name for p in model_admin.get_urls() if p.name and "id>" in str(p.pattern)]
            for pk in model._default_manager.values_list("pk", flat=True):
                urls += [reverse(f"admin:{name}", args=[pk]) for name in of_a_record]
        return urls

    def visit(self, url, viewer, owners):
        """GET ``url`` as ``viewer``; the problems with what it showed and recorded (the request is rolled back)."""
        problems, shown_any = [], False
        with transaction.atomic():
            last = ContactView.objects.aggregate(last=Max("pk"))["last"] or 0
            response = self.client.get(url)
            body = b"".join(response) if getattr(response, "streaming", False) else response.content
            text = body.decode("utf-8-sig", errors="ignore")
            views = list(ContactView.objects.filter(pk__gt=last))
            theirs = [view for view in views if viewer is not None and view.viewer_id == viewer.pk]
            shown = {
                secret: whose
                for secret, whose in owners.items()
                if secret in text and not any(person == getattr(viewer, "pk", None) for person, _t, _i in whose)
            }
            for secret, whose in shown.items():
                shown_any = True
                if not any(names_owner(view, owner) for view in theirs for owner in whose):
                    problems.append(f"{url}: shows {secret} and records no view of it")
            for view in views:
                if not any(names_owner(view, owner) for whose in shown.values() for owner in whose):
                    problems.append(f"{url}: records a view of {view.subject_id or view.target_label} it did not show")
            transaction.set_rollback(True)
        return problems, shown_any


class EveryPageThatShowsContactDetailsRecordsTheView(ContactViewWorld):
    def test_portal_pages_as_every_role(self):
        owners = owners_of_every_secret()
        problems, showing = [], set()
        for role in ROLES:
            viewer = self.log_in_as(role)
            for url in self.portal_pages():
                found, shown = self.visit(url, viewer, owners)
                problems += [f"{role}: {p}" for p in found]
                if shown:
                    showing.add((role, url))
        self.assertFalse(problems, "\n" + "\n".join(problems))
        # The walk cannot pass by seeing nothing: these pages show someone's details to these roles.
        w = self.world
        expected = {
            ("staff", w["wish_claimed"].get_absolute_url()),
            ("volunteer", w["wish_claimed"].get_absolute_url()),
            ("unit_member", w["on_behalf_claimed"].get_absolute_url()),
            ("grid_worker", w["on_behalf_claimed"].get_absolute_url()),
            ("staff", reverse("wishes:edit", kwargs={"pk": w["on_behalf_submitted"].pk})),
            ("staff", reverse("wishes:edit", kwargs={"pk": w["wish_submitted"].pk})),
            ("grid_worker", w["report"].get_absolute_url()),
            ("grid_worker", w["on_behalf_report"].get_absolute_url()),
            ("grid_worker", reverse("call_list")),
            ("grid_worker", reverse("homes_to_confirm")),
            ("grid_worker", reverse("volunteers:applications")),
            ("workstation_leader", reverse("volunteers:appointments", kwargs={"pk": w["workstation"].pk})),
            ("team_leader", reverse("volunteers:team", kwargs={"pk": w["team"].pk})),
            ("team_leader", reverse("volunteers:check_in", kwargs={"pk": w["activity"].pk})),
        }
        self.assertFalse(expected - showing, f"pages that should have shown contact details: {expected - showing}")

    def test_admin_pages_as_each_staff_role(self):
        owners = owners_of_every_secret()
        problems, showing = [], set()
        pages = self.admin_pages()
        for role in STAFF_ROLES:
            viewer = self.log_in_as(role)
            for url in pages:
                found, shown = self.visit(url, viewer, owners)
                problems += [f"{role}: {p}" for p in found]
                if shown:
                    showing.add((role, url))
        self.assertFalse(problems, "\n" + "\n".join(problems))
        w = self.world
        change = lambda obj: reverse(  # noqa: E731
            f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk]
        )
        expected = {
            ("staff", change(w["wish_claimed"])),
            ("grid_worker", change(w["on_behalf_submitted"])),
            ("staff", change(w["report"])),
            ("grid_worker", change(w["on_behalf_report"])),
            ("staff", change(w["volunteer"])),
            ("grid_worker", change(w["volunteer"])),
            ("grid_worker", change(w["appointment"])),
            ("grid_worker", change(User.objects.get(username="13700001111"))),
            ("staff", reverse("admin:auth_user_password_change", args=[User.objects.get(username="13700001111").pk])),
        }
        self.assertFalse(
            expected - showing, f"admin pages that should have shown contact details: {expected - showing}"
        )


# --- The record itself ------------------------------------------------------------------------


@pytest.mark.django_db
def test_people_and_records_are_recorded_in_two_statements_and_not_again_within_the_hour(django_assert_num_queries):
    viewer = StaffFactory()
    people = UserFactory.create_batch(3)
    on_behalf = make_wish(status="submitted", contact_phone="13800000001")
    Wish.objects.filter(pk=on_behalf.pk).update(owner=None, resident_name="张奶奶")
    on_behalf.refresh_from_db()
    owned = make_wish(status="submitted")
    seen = lambda: audit.record_contact_views(  # noqa: E731
        subjects=[*people, on_behalf, owned, viewer, None], viewer=viewer, viewer_role="社区工作人员", context="名单"
    )
    with django_assert_num_queries(2):
        assert seen() == 5  # three people, two wishes; not the viewer himself
    with django_assert_num_queries(1):
        assert seen() == 0
    assert ContactView.objects.get(target_id=str(owned.pk)).subject == owned.owner
    assert ContactView.objects.get(target_id=str(on_behalf.pk)).subject is None


@pytest.mark.django_db
def test_a_view_names_someone():
    with pytest.raises(IntegrityError), transaction.atomic():
        ContactView.objects.create(viewer=StaffFactory(), viewer_role="x", context="y")


@pytest.mark.django_db
def test_the_views_of_a_wish_entered_for_a_resident_become_hers_once_attached():
    staff = StaffFactory(groups=["网格员"])
    wish = make_wish(status="submitted")
    Wish.objects.filter(pk=wish.pk).update(owner=None, resident_name="张奶奶", entered_by=staff)
    wish.refresh_from_db()
    viewer = StaffFactory(groups=["审核员"])
    audit.record_contact_view(subject=wish, viewer=viewer, viewer_role="社区工作人员", context="x")
    resident = UserFactory()
    wish.attach_to(by=staff, resident=resident)
    assert resident.contact_views.get().target_id == str(wish.pk)


# --- Pages -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_view_of_a_wish_entered_for_a_resident_names_the_wish_and_becomes_hers_once_attached(client):
    staff = StaffFactory(groups=["网格员"])
    wish = make_wish(owner=staff, status="submitted")
    Wish.objects.filter(pk=wish.pk).update(owner=None, resident_name="张奶奶", entered_by=staff)
    wish.refresh_from_db()
    reviewer = StaffFactory(groups=["审核员"], display_name="刘晓燕")
    sign_in(client, reviewer)
    assert "13812345678" in client.get(wish.get_absolute_url()).content.decode()
    view = ContactView.objects.get(viewer=reviewer)
    assert (view.subject, view.target_type, view.target_id, view.target_label) == (
        None,
        "wishes.wish",
        str(wish.pk),
        wish.title,
    )

    resident = UserFactory(display_name="张桂兰")
    wish.attach_to(by=staff, resident=resident)
    assert list(resident.contact_views.all()) == [view]
    sign_in(client, resident)
    me = client.get(reverse("me")).content.decode()
    assert f"微心愿：{wish.title}" in me
    assert client.get(reverse("my_data")).json()["who_saw_my_contact_details"][0]["where"] == view.context


@pytest.mark.django_db
def test_staff_opening_the_edit_page_of_someone_elses_wish_are_recorded_and_the_owner_is_not(client):
    wish = make_wish(status="submitted")
    sign_in(client, wish.owner)
    assert "13812345678" in client.get(reverse("wishes:edit", kwargs={"pk": wish.pk})).content.decode()
    assert not ContactView.objects.exists()
    reviewer = StaffFactory(groups=["审核员"])
    sign_in(client, reviewer)
    assert "13812345678" in client.get(reverse("wishes:edit", kwargs={"pk": wish.pk})).content.decode()
    view = ContactView.objects.get()
    assert (view.subject, view.viewer, view.target_id) == (wish.owner, reviewer, str(wish.pk))


# --- The admin ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_admin_change_pages_record_the_people_whose_details_they_show(client):
    wish = make_wish(status="submitted")
    volunteer = VolunteerFactory(phone="13911112222")
    phone_login = UserFactory(username="13733334444")
    staff = StaffFactory(is_superuser=True)
    sign_in(client, staff)
    pages = {
        f"/admin/wishes/wish/{wish.pk}/change/": "13812345678",
        f"/admin/volunteers/volunteer/{volunteer.pk}/change/": "13911112222",
        f"/admin/community/user/{phone_login.pk}/change/": "13733334444",
        f"/admin/community/user/{phone_login.pk}/password/": "13733334444",
    }
    for url, phone in pages.items():
        assert phone in client.get(url).content.decode(), url
    assert set(ContactView.objects.filter(viewer=staff).values_list("subject", flat=True)) == {
        wish.owner.pk,
        volunteer.user.pk,
        phone_login.pk,
    }
    assert ContactView.objects.get(subject=phone_login).context == "管理后台·用户：" + str(phone_login)


@pytest.mark.django_db
def test_the_admin_lists_show_phones_masked_and_record_nothing(client):
    make_wish(status="claimed")
    VolunteerFactory(phone="13911112222")
    UserFactory(username="13733334444")
    sign_in(client, StaffFactory(is_superuser=True))
    for url in ("/admin/wishes/wish/", "/admin/volunteers/volunteer/", "/admin/community/user/"):
        page = client.get(url).content.decode()
        assert "13812345678" not in page and "13911112222" not in page and "13733334444" not in page
    assert not ContactView.objects.exists()


@pytest.mark.django_db
def test_giving_a_wish_an_owner_in_the_admin_gives_her_its_views(client):
    wish = make_wish(status="submitted")
    Wish.objects.filter(pk=wish.pk).update(owner=None, resident_name="张奶奶")
    viewer = StaffFactory(groups=["审核员"])
    audit.record_contact_view(
        subject=Wish.objects.get(pk=wish.pk), viewer=viewer, viewer_role="社区工作人员", context="x"
    )
    resident = UserFactory()
    sign_in(client, StaffFactory(is_superuser=True))
    page = client.get(f"/admin/wishes/wish/{wish.pk}/change/")
    form = page.context["adminform"].form
    data = {key: value for key, value in form.initial.items() if key in form.fields}
    data |= {"owner": resident.pk, "needed_by": wish.needed_by.isoformat(), "building": wish.building_id}
    for prefix in ("claims", "transitions"):
        data |= {f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0}
    response = client.post(f"/admin/wishes/wish/{wish.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    assert resident.contact_views.filter(viewer=viewer).exists()


@pytest.mark.django_db
def test_a_home_is_named_without_its_unit_and_room():
    """Admin pages list a home by its name (deleting a user or a building): that name is not the address."""
    home = Home.set_for(
        UserFactory(display_name="王秀英"), building=BuildingFactory(name="团结巷3栋"), unit="2", room="401"
    )
    assert "401" not in str(home) and "团结巷3栋" in str(home)
