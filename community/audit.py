"""The audit trail: recording staff and leader actions, with personal data masked.

``record`` is called by the model methods that change things on someone's
behalf (they know who acts) and by the admin (``community.admin.AuditedAdminMixin``).
``record_contact_view`` notes that a resident's full phone or address was shown
to someone else, which the resident can see on “我的”.
"""

from datetime import timedelta

from django.forms.models import model_to_dict
from django.utils import timezone

from community.models import AuditEntry, ContactView
from community.privacy import mask_name, mask_phone

# Fields whose values never enter the audit trail in full.
PERSONAL_FIELDS = {
    "phone": mask_phone,
    "contact_phone": mask_phone,
    "address": lambda value: "***" if value else "",
    "contact_address": lambda value: "***" if value else "",
    "real_name": mask_name,
    "contact_name": mask_name,
    "password": lambda value: "***",
}


def _clean(field, value):
    if field in PERSONAL_FIELDS:
        return PERSONAL_FIELDS[field](str(value or ""))
    if hasattr(value, "pk"):
        return value.pk
    if isinstance(value, list | tuple | set):
        return [getattr(item, "pk", item) for item in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def diff(before: dict, after: dict) -> dict:
    """{field: (before, after)} for the fields that changed (``record`` masks personal ones)."""
    return {
        field: (before.get(field), after.get(field))
        for field in sorted(set(before) | set(after))
        if before.get(field) != after.get(field)
    }


def snapshot(instance, fields=None) -> dict:
    return model_to_dict(instance, fields=fields)


def record(*, actor, action, target, changes=None, note=""):
    """Add an entry: ``actor`` did ``action`` (e.g. "wish.publish") to ``target``."""
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=(getattr(actor, "display_name", "") or getattr(actor, "username", "") or "系统")[:60],
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_label=str(target)[:200],
        changes={field: [_clean(field, old), _clean(field, new)] for field, (old, new) in (changes or {}).items()},
        note=note,
    )


# Seeing the same details on the same page again within this time is not recorded again: the resident's list
# says who saw them where, not how often the page was reloaded.
CONTACT_VIEW_WINDOW = timedelta(hours=1)


def record_contact_view(*, subject, viewer, viewer_role, context):
    return record_contact_views(subjects=[subject], viewer=viewer, viewer_role=viewer_role, context=context)


def record_contact_views(*, subjects, viewer, viewer_role, context):
    """Record that ``viewer`` saw the full contact details of each of ``subjects`` on a page (``context``).

    Once per person and page per CONTACT_VIEW_WINDOW; two statements however many subjects.
    """
    if viewer is None:
        return 0
    context = context[:200]
    people = {s.pk: s for s in subjects if s is not None and s.pk != viewer.pk}
    if not people:
        return 0
    seen = set(
        ContactView.objects.filter(
            subject__in=people,
            viewer=viewer,
            context=context,
            created__gte=timezone.now() - CONTACT_VIEW_WINDOW,
        ).values_list("subject", flat=True)
    )
    rows = [
        ContactView(subject=subject, viewer=viewer, viewer_role=viewer_role, context=context)
        for pk, subject in people.items()
        if pk not in seen
    ]
    ContactView.objects.bulk_create(rows)
    return len(rows)
