"""What the party app adds to other pages: 我的 (panels and queues), personal data."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community.contributions import (
    Part,
    Queue,
    export_time,
    personal_data_erase,
    personal_data_export,
    service_of,
    service_totals,
    workbench,
    workbench_queues,
)
from community.models import PARTY, PartyBranch, PartyMembership, confirmed_party_membership
from community.together import count_of, first_n, instances
from party.models import REVIEW_PERMISSION, SECTION, FeedbackSheet, InServiceMember, PartyDay
from volunteers.models import SECTION as VOLUNTEERS_SECTION
from volunteers.models import Activity, PartnerUnit

# --- Party members: declaration, confirmation, the badge -------------------------------------------


def _membership_rows(user):
    return {
        "mine": PartyMembership.objects.filter(member=user).values("status", "shows_badge"),
        # A branch secretary confirms his branch's declarations, with no staff role.
        "leads": PartyBranch.objects.filter(secretary=user).values("id")[:1],
    }


def _membership_context(rows, user):
    mine = rows["mine"][0] if rows["mine"] else None
    return {
        "membership": mine,
        "status_label": PartyMembership.Status(mine["status"]).label if mine else "",
        "decides": bool(rows["leads"]) or (user.is_staff and user.has_perm("community.confirm_partymembership")),
        "exports": user.is_staff and user.has_perm("community.confirm_partymembership"),
    }


workbench.register(
    Part(
        name="party_membership",
        template="party/_me_membership.html",
        rows=_membership_rows,
        context=_membership_context,
        section=PARTY,
        order=60,
    )
)

workbench_queues.register(
    Queue(
        name="memberships_to_confirm",
        label=_("等我确认的党员身份"),
        # Nobody else's declarations: the queryset is empty for anyone who is neither permitted staff nor the
        # secretary of a branch a declaration names.
        items=lambda user: PartyMembership.objects.visible_to(user).waiting().order_by("declared_at"),
        fields=("id", "member__display_name", "organisation"),
        describe=lambda row: f"{row['member__display_name']} · {row['organisation']}",
        link=lambda row: reverse("party:declarations"),
        url="party:declarations",
        section=PARTY,
        order=33,
    )
)


@personal_data_export.register
def export_party_membership(user):
    membership = PartyMembership.objects.filter(member=user).select_related("branch").first()
    if membership is None:
        return {"party_membership": None}
    return {
        "party_membership": {
            "organisation": membership.organisation,
            "branch": membership.branch.name if membership.branch_id else "",
            "joined_year": membership.joined_year,
            "status": membership.get_status_display(),
            "decision_note": membership.decision_note,
            "shows_badge": membership.shows_badge,
            "consent_at": export_time(membership.consent_at),
            "declared_at": export_time(membership.declared_at),
            "decided_at": export_time(membership.decided_at),
        }
    }


@personal_data_erase.register
def erase_party_membership(user):
    """The declaration goes with the account (the row would cascade; deleted here so the erase says so)."""
    for membership in PartyMembership.objects.filter(member=user):
        membership.delete()


# --- Party days (主题党日): the branch secretary's panel on 我的 -------------------------------------------------


def _secretary_rows(user):
    now = timezone.now()
    members_branch = PartyMembership.objects.filter(member=user, status=PartyMembership.Status.CONFIRMED).values(
        "branch_id"
    )
    return {
        # A confirmed member's branch's next party days, to sign up for.
        "mine": PartyDay.objects.filter(
            activity__branch__in=members_branch,
            activity__status=Activity.Status.OPEN,
            activity__signup_deadline__gte=now,
        )
        .order_by("activity__starts_at")
        .values("id", "theme", "activity__id", "activity__starts_at", "activity__branch__name")[:3],
        "branches": PartyBranch.objects.filter(secretary=user).order_by("name").values("id", "name"),
        "to_summarise": PartyDay.objects.filter(
            activity__branch__secretary=user, activity__starts_at__lte=now, summary_at__isnull=True
        )
        .exclude(activity__status=Activity.Status.CANCELLED)
        .order_by("-activity__starts_at")
        .values("id", "theme", "activity__starts_at")[:5],
        "upcoming": PartyDay.objects.filter(activity__branch__secretary=user, activity__ends_at__gte=now)
        .order_by("activity__starts_at")
        .values("id", "theme", "activity__id", "activity__starts_at")[:3],
    }


def _secretary_context(rows, user):
    if not rows["branches"] and not rows["mine"]:
        return None
    return {
        "mine": instances(PartyDay, rows["mine"], activity=Activity),
        "branches": instances(PartyBranch, rows["branches"]),
        "to_summarise": instances(PartyDay, rows["to_summarise"], activity=Activity),
        "upcoming": instances(PartyDay, rows["upcoming"], activity=Activity),
    }


workbench.register(
    Part(
        name="party_days",
        template="party/_me_secretary.html",
        rows=_secretary_rows,
        context=_secretary_context,
        section=SECTION,
        order=45,
    )
)


# --- 双报到: in-service members and units report in; the yearly record and the feedback sheet ----------------


def _report_in_rows(user):
    return {
        "member": InServiceMember.objects.filter(person=user)
        .order_by("pk")
        .values("id", "status", "unit__id", "unit__name")[:1],
        "party_member": confirmed_party_membership(user).values("id")[:1],
        "contact_units": PartnerUnit.objects.with_contact(user).order_by("name", "pk").values("id", "name"),
        "sheets_to_see": count_of(FeedbackSheet.objects.filter(member__person=user, seen_at__isnull=True)),
    }


def _report_in_panel(rows, user):
    """我的服务 for party members and in-service members (this year's totals, the record), the registration's
    state, the unit contact's list, the reviewers' pages; and for everyone the ways to report in."""
    member = instances(InServiceMember, rows["member"], unit=PartnerUnit)[0] if rows["member"] else None
    party_member = bool(rows["party_member"])
    context = {
        "member": member,
        "party_member": party_member,
        "contact_units": instances(PartnerUnit, rows["contact_units"]),
        "reviews": user.is_staff and user.has_perm(REVIEW_PERMISSION),
        "year": timezone.localdate().year,
    }
    if party_member or member is not None:
        context["totals"] = service_totals(service_of(user, context["year"]))
        context["sheets_to_see"] = first_n(rows["sheets_to_see"]) if member else 0
    return context


workbench.register(
    Part(
        name="party_report_in",
        template="party/_me_report_in.html",
        rows=_report_in_rows,
        context=_report_in_panel,
        order=12,
    )
)

workbench_queues.register(
    Queue(
        name="in_service_to_review",
        label=_("待审核的在职党员报到"),
        staff_permission=REVIEW_PERMISSION,
        items=lambda user: InServiceMember.objects.filter(status=InServiceMember.Status.PENDING).order_by(
            "registered_at"
        ),
        fields=("id", "person__display_name", "unit__name"),
        describe=lambda row: f"{row['person__display_name']} · {row['unit__name']}",
        link=lambda row: reverse("party:in_service_review"),
        url="party:in_service_review",
        section=SECTION,
        order=31,
    )
)
workbench_queues.register(
    Queue(
        name="units_to_review",
        label=_("待审核的单位报到"),
        staff_permission=REVIEW_PERMISSION,
        items=lambda user: PartnerUnit.objects.filter(registration=PartnerUnit.Registration.PENDING).order_by(
            "registered_at"
        ),
        fields=("id", "name"),
        describe=lambda row: row["name"],
        link=lambda row: reverse("party:in_service_review"),
        url="party:in_service_review",
        section=VOLUNTEERS_SECTION,
        order=32,
    )
)
workbench_queues.register(
    Queue(
        name="feedback_to_see",
        label=_("社区写给我单位的反馈表，请查看"),
        items=lambda user: FeedbackSheet.objects.filter(member__person=user, seen_at__isnull=True).order_by("year"),
        fields=("id", "year"),
        describe=lambda row: _("%(year)s年度反馈表") % {"year": row["year"]},
        link=lambda row: reverse("party:in_service") + "#feedback",
        section=SECTION,
        order=9,
    )
)


@personal_data_export.register
def export_report_in(user):
    member = InServiceMember.objects.filter(person=user).select_related("unit").first()
    return {
        "in_service_registration": None
        if member is None
        else {
            "unit": member.unit.name,
            "position": member.position,
            "skills": member.skills,
            "availability": member.availability,
            "posts": [post.name for post in member.posts.all()],
            "status": member.get_status_display(),
            "registered": export_time(member.registered_at),
            "feedback_sheets": [
                {
                    "year": sheet.year,
                    "evaluation": sheet.evaluation,
                    "seen": export_time(sheet.seen_at),
                    "remark": sheet.member_remark,
                    "printed": export_time(sheet.printed_at),
                }
                for sheet in member.feedback_sheets.order_by("year")
            ],
        },
        "units_registered": [
            {
                "unit": unit.name,
                "contact_name": unit.contact_name,
                "contact_phone": unit.contact_phone,
                "registered": export_time(unit.registered_at),
                "status": unit.get_registration_display(),
            }
            for unit in PartnerUnit.objects.filter(registered_by=user)
        ],
    }


@personal_data_erase.register
def erase_report_in(user):
    """The registration and the feedback sheets about him go; units he registered keep no contact of his."""
    InServiceMember.objects.filter(person=user).delete()
    PartnerUnit.objects.filter(registered_by=user).update(contact_name="", contact_phone="")
