"""Whoever is shown someone else's full phone or address leaves a record (ContactView) the resident can see."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from community import audit
from community.models import ContactView
from tests.factories import StaffFactory, UserFactory
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
