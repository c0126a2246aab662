"""Actions on a person's data that span every app: downloading it, and deleting the account.

In the spirit of the Personal Information Protection Law (个人信息保护法): a
resident can take a copy of what the portal holds about them, and can leave.
When they leave, what others need (the public history of wishes, service hours
that count for teams, ratings) stays, anonymised; their personal details go.
"""

import contextlib
import uuid

from django.db import transaction
from django.utils import timezone

from community import audit
from community.models import DELETED_DISPLAY_NAME, ContactView, Notification


def _when(moment):
    return timezone.localtime(moment).isoformat() if moment else None


def user_export_data(*, user):
    """Everything the portal holds about ``user``, as plain data for a JSON download."""
    from volunteers.models import Appointment, PartnerMembership, ServiceHourRecord, TeamMembership, Volunteer
    from whistles.models import ProblemReport, Rating
    from wishes.models import Wish, WishClaim

    volunteer = Volunteer.objects.filter(user=user).first()
    return {
        "generated_at": _when(timezone.now()),
        "account": {
            "login": user.username,
            "display_name": user.display_name,
            "email": user.email,
            "joined": _when(user.date_joined),
            "last_login": _when(user.last_login),
        },
        "volunteer": None
        if volunteer is None
        else {
            "real_name": volunteer.real_name,
            "phone": volunteer.phone,
            "skills": volunteer.skills,
            "availability": volunteer.availability,
            "status": volunteer.get_status_display(),
            "applied": _when(volunteer.applied_at),
            "teams": [
                {"team": m.team.name, "status": m.get_status_display(), "leader": m.is_leader}
                for m in TeamMembership.objects.filter(volunteer=volunteer).select_related("team")
            ],
            "hours": [
                {
                    "date": r.served_on.isoformat(),
                    "hours": str(r.hours),
                    "activity": r.activity.title if r.activity_id else "",
                    "kind": r.get_kind_display(),
                    "reason": r.reason,
                }
                for r in ServiceHourRecord.objects.filter(volunteer=volunteer).select_related("activity")
            ],
        },
        "partner_units": [m.unit.name for m in PartnerMembership.objects.filter(user=user).select_related("unit")],
        "wishes": [
            {
                "title": w.title,
                "description": w.description,
                "category": w.get_category_display(),
                "status": w.get_status_display(),
                "building": w.building.name,
                "contact_phone": w.contact_phone,
                "contact_address": w.contact_address,
                "created": _when(w.created),
                "thanks": w.thanks,
            }
            for w in Wish.objects.filter(owner=user).select_related("building")
        ],
        "claims": [
            {
                "wish": c.wish.title,
                "claimed": _when(c.created),
                "ended": _when(c.ended_at),
                "unit": c.unit.name if c.unit_id else "",
            }
            for c in WishClaim.objects.filter(claimant=user).select_related("wish", "unit")
        ],
        "appointments": [
            {
                "workstation": a.workstation.name,
                "day": a.day.isoformat(),
                "topic": a.topic,
                "phone": a.phone,
                "status": a.get_status_display(),
            }
            for a in Appointment.objects.filter(resident=user).select_related("workstation")
        ],
        "problem_reports": [
            {
                "category": r.get_category_display(),
                "description": r.description,
                "place": r.place,
                "contact_phone": r.contact_phone,
                "created": _when(r.created),
            }
            for r in ProblemReport.objects.filter(reporter=user).select_related("building")
        ],
        "ratings": [
            {"whistle": r.whistle.title, "score": r.get_score_display(), "comment": r.comment}
            for r in Rating.objects.filter(rater=user).select_related("whistle")
        ],
        "notifications": [
            {"title": n.title, "body": n.body, "created": _when(n.created)}
            for n in Notification.objects.filter(recipient=user)
        ],
        "who_saw_my_contact_details": [
            {"when": _when(v.created), "viewer": v.viewer_role, "where": v.context}
            for v in ContactView.objects.filter(subject=user)
        ],
    }


@transaction.atomic
def user_delete(*, user):
    """Delete a resident's account: personal details erased, public history kept anonymously."""
    from volunteers.models import Appointment, PartnerMembership, TeamMembership, Volunteer
    from whistles.models import ProblemReport
    from wishes.models import DELETED_RESIDENT, Status, Wish, WishError

    for wish in Wish.objects.filter(owner=user, status__in=[Status.SUBMITTED, Status.PUBLISHED]):
        with contextlib.suppress(WishError):  # moved on in the meantime; anonymised below all the same
            wish.withdraw(by=user, reason="居民注销账号")
    Wish.objects.filter(owner=user).update(
        owner=None,
        resident_name=DELETED_RESIDENT,
        contact_phone="",
        contact_address="",
        contact_erased_at=timezone.now(),
    )
    Volunteer.objects.filter(user=user).update(
        real_name="已注销", phone="", skills="", availability="", show_on_honour_roll=False
    )
    TeamMembership.objects.filter(volunteer__user=user).update(status=TeamMembership.Status.LEFT, is_leader=False)
    PartnerMembership.objects.filter(user=user).delete()
    Appointment.objects.filter(resident=user).delete()
    ProblemReport.objects.filter(reporter=user).update(reporter=None, contact_phone="")
    Notification.objects.filter(recipient=user).delete()
    ContactView.objects.filter(subject=user).delete()
    audit.record(actor=user, action="account.delete", target=user)
    user.username = f"deleted-{uuid.uuid4().hex[:16]}"
    user.display_name = DELETED_DISPLAY_NAME
    user.email = ""
    user.first_name = user.last_name = ""
    user.is_active = user.is_staff = user.is_superuser = False
    user.set_unusable_password()
    user.save()  # also moves every cached page on (community/pagecache.py): the name leaves them all
    user.groups.clear()
    user.user_permissions.clear()
