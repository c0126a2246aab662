"""Whoever is shown someone else's full phone or address leaves a record (ContactView) the resident can see."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from community import audit
from community.models import ContactView, Home
from tests.factories import BuildingFactory, StaffFactory, UserFactory, VolunteerFactory
from tests.wishes.helpers import make_wish
from wishes.models import Wish

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
    client.force_login(reviewer)
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
    client.force_login(resident)
    me = client.get(reverse("me")).content.decode()
    assert f"微心愿：{wish.title}" in me
    assert client.get(reverse("my_data")).json()["who_saw_my_contact_details"][0]["where"] == view.context


@pytest.mark.django_db
def test_staff_opening_the_edit_page_of_someone_elses_wish_are_recorded_and_the_owner_is_not(client):
    wish = make_wish(status="submitted")
    client.force_login(wish.owner)
    assert "13812345678" in client.get(reverse("wishes:edit", kwargs={"pk": wish.pk})).content.decode()
    assert not ContactView.objects.exists()
    reviewer = StaffFactory(groups=["审核员"])
    client.force_login(reviewer)
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
    client.force_login(staff)
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
    client.force_login(StaffFactory(is_superuser=True))
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
    client.force_login(StaffFactory(is_superuser=True))
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
