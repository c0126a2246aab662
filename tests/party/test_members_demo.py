"""The demo's party members: confirmed members in every branch, the demo volunteer's badge on the wishes she
claimed, a declaration waiting on the first branch secretary's 我的, and the 党务 login that confirms."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from community.contributions import waiting_for
from community.models import PartyBranch, PartyMembership
from wishes.models import Wish

pytestmark = pytest.mark.django_db


def test_the_demo_has_members_in_every_branch_one_waiting_and_the_volunteer_s_badge(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    call_command("load_demo")
    call_command("load_demo")  # idempotent: found by their member
    for branch in PartyBranch.objects.all():
        assert branch.memberships.confirmed().count() >= 3, branch
    assert PartyMembership.objects.waiting().get().branch.name == "第一网格党支部"
    users = get_user_model().objects
    labels = {queue.label for queue in waiting_for(users.get(username="secretary"))}
    assert "等我确认的党员身份" in labels
    assert "等我确认的党员身份" in {queue.label for queue in waiting_for(users.get(username="partyoffice"))}
    assert "等我确认的党员身份" not in {queue.label for queue in waiting_for(users.get(username="secretary2"))}
    volunteer = users.get(username="volunteer")
    assert volunteer.shows_party_badge
    claimed = Wish.objects.filter(live_claim__claimant=volunteer, live_claim__unit__isnull=True).first()
    assert 'class="party-badge"' in Client().get(claimed.get_absolute_url()).content.decode()
