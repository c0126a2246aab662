"""Whoever is shown someone else's full phone or address leaves a record (ContactView) the resident can see."""

import pytest
from django.db import IntegrityError, transaction

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
