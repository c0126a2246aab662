"""还没有解决: a resident answers a fulfilled wish that was not really done; it goes back to its claimant."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from community.models import Notification
from tests.factories import StaffFactory, UserFactory
from tests.signing_in import sign_in
from tests.wishes.helpers import make_volunteer, make_wish
from wishes.models import Wish, WishError, release_stale_claims

pytestmark = pytest.mark.django_db


def test_the_wish_goes_back_to_the_claimant_who_and_staff_are_told_and_the_clock_restarts(client):
    owner, claimant = UserFactory(), make_volunteer()
    reviewer = StaffFactory(groups=["审核员"])
    start = timezone.now()
    with time_machine.travel(start - timedelta(days=6), tick=False):
        wish = make_wish(owner=owner, status="fulfilled", claimant=claimant)
    sign_in(client, owner)
    page = client.get(wish.get_absolute_url()).text
    assert "还没有解决" in page
    response = client.post(
        reverse("wishes:not_resolved", kwargs={"pk": wish.pk}), {"note": "油还没有送到"}, follow=True
    )
    assert "已告诉认领人还没有解决" in response.text
    wish.refresh_from_db()
    assert wish.status == Wish.Status.CLAIMED and wish.fulfilled_at is None and wish.fulfil_note == ""
    assert wish.live_claim.claimant == claimant and wish.live_claim.counting_from >= start
    assert wish.transitions.last().note == "还没有解决：油还没有送到"
    for person in (claimant, reviewer):
        assert Notification.objects.filter(recipient=person, body="油还没有送到").exists()
    # The claim counts its days again from now: not released as if it were six days old.
    with time_machine.travel(start + timedelta(days=3), tick=False):
        assert release_stale_claims() == 0


def test_a_note_is_needed_and_only_the_resident_may_say_so(client):
    owner = UserFactory()
    wish = make_wish(owner=owner, status="fulfilled")
    sign_in(client, owner)
    response = client.post(reverse("wishes:not_resolved", kwargs={"pk": wish.pk}), {"note": ""}, follow=True)
    assert "请写一写哪里还没有解决" in response.text
    assert Wish.objects.get(pk=wish.pk).status == Wish.Status.FULFILLED
    with pytest.raises(WishError, match="只有发布心愿的居民"):
        wish.not_resolved(by=UserFactory(), note="不是我的")
    confirmed = make_wish(status="confirmed")
    with pytest.raises(WishError, match="只有已实现、还没确认的心愿"):
        confirmed.not_resolved(by=confirmed.owner, note="晚了")
