"""Building wishes in a given state for tests, through the real lifecycle methods."""

from datetime import timedelta

from django.utils import timezone

from tests.factories import BuildingFactory, PartnerUnitFactory, StaffFactory, UserFactory, VolunteerFactory
from volunteers.models import PartnerMembership
from wishes.models import Wish


def make_volunteer(**kwargs):
    return VolunteerFactory(**kwargs).user


def make_member(*, unit_name=None, unit=None):
    """A partner unit's member (not a volunteer) and the unit."""
    if unit is None:
        unit = PartnerUnitFactory(name=unit_name) if unit_name else PartnerUnitFactory()
    member = UserFactory()
    PartnerMembership.objects.create(unit=unit, user=member)
    return member, unit


def make_wish(*, owner=None, status="published", claimant=None, reviewer=None, building=None, **fields):
    """A wish moved to ``status`` through the model's own methods (status=None: just submitted)."""
    owner = owner or UserFactory()
    reviewer = reviewer or StaffFactory(groups=["审核员"])
    data = {
        "title": "需要一袋大米和食用油",
        "description": "腿脚不便，想请人帮忙买米和油送上楼。",
        "category": Wish.Category.GOODS,
        "building": building or BuildingFactory(),
        "needed_by": timezone.localdate() + timedelta(days=7),
        "contact_phone": "13812345678",
        "contact_address": "团结巷3栋2单元401",
        **fields,
    }
    wish = Wish.submit(by=owner, **data)
    if status in (None, "submitted"):
        return wish
    if status == "rejected":
        wish.reject(by=reviewer, reason="不适合")
        return wish
    wish.publish(by=reviewer)
    if status == "withdrawn":
        wish.withdraw(by=owner)
    if status == "closed":
        wish.close(by=reviewer, reason="重复")
    if status in ("claimed", "fulfilled", "confirmed"):
        claimant = claimant or make_volunteer()
        wish.claim(by=claimant)
    if status in ("fulfilled", "confirmed"):
        wish.fulfil(by=claimant)
    if status == "confirmed":
        wish.confirm(by=owner)
    return wish
