"""Decisions on a declared party membership, with what they tell: the member's inbox and the audit trail.

The rules live on ``community.models.PartyMembership`` (``confirm``, ``reject``); the ground floor's models cannot
call community.audit and community.notifications (they import the models), so the pages and the admin decide
through these, which do both in one transaction.
"""

from django.db import transaction
from django.utils.translation import gettext

from community import audit
from community.notifications import notify


def membership_confirm(*, membership, by):
    with transaction.atomic():
        membership.confirm(by=by)
        _tell(membership, by, gettext("您申报的党员身份已确认，可以在“党员身份”页面选择亮身份。"), "confirm")


def membership_reject(*, membership, by, reason):
    with transaction.atomic():
        membership.reject(by=by, reason=reason)
        title = gettext("您申报的党员身份未通过确认：%(reason)s") % {"reason": membership.decision_note}
        _tell(membership, by, title, "reject")


def _tell(membership, by, title, verb):
    notify(membership.member, title, url=membership.get_absolute_url())
    audit.record(actor=by, action=f"partymembership.{verb}", target=membership, note=membership.decision_note)
