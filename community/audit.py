"""The audit trail: recording staff and leader actions, with personal data masked.

``record`` is called by the model methods that change things on someone's
behalf (they know who acts) and by the admin (``community.admin.AuditedAdminMixin``).
``record_contact_view`` notes that a resident's full phone or address was shown
to someone else, which the resident can see on “我的”; ``pass_contact_views``
gives the views of a record entered for a resident without an account (代录)
to her account once she has one.
"""

from datetime import timedelta

from django.db import models
from django.forms.models import model_to_dict
from django.utils import timezone

from community.models import AuditEntry, ContactView, User
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


def pointer(target) -> dict:
    """The generic pointer at a record of any app: its model, its key, and a label that outlives it."""
    return {"target_type": target._meta.label_lower, "target_id": str(target.pk), "target_label": str(target)[:200]}


def record(*, actor, action, target, changes=None, note=""):
    """Add an entry: ``actor`` did ``action`` (e.g. "wish.publish") to ``target``."""
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=(getattr(actor, "display_name", "") or getattr(actor, "username", "") or "系统")[:60],
        action=action,
        **pointer(target),
        changes={field: [_clean(field, old), _clean(field, new)] for field, (old, new) in (changes or {}).items()},
        note=note,
    )


# Seeing the same details on the same page again within this time is not recorded again: the resident's list
# says who saw them where, not how often the page was reloaded.
CONTACT_VIEW_WINDOW = timedelta(hours=1)


def record_contact_view(*, subject, viewer, viewer_role, context):
    return record_contact_views(subjects=[subject], viewer=viewer, viewer_role=viewer_role, context=context)


def _seen(subject):
    """(account, record) whose details a subject stands for: a User is the person herself; any other record
    (a wish, a report, an appointment …) holds the details of its ``contact_person``, None for a resident
    without an account (代录)."""
    if isinstance(subject, User):
        return subject, None
    return subject.contact_person, subject


def record_contact_views(*, subjects, viewer, viewer_role, context):
    """Record that ``viewer`` saw the full contact details of each of ``subjects`` on a page (``context``).

    A subject is a person (a User), or the record that showed someone's details (see ``_seen``): the view then
    names the record too, so that a resident without an account is not left out. Nobody's view of their own
    details is recorded. Once per person (or record) and page per CONTACT_VIEW_WINDOW; two statements however
    many subjects.
    """
    if viewer is None:
        return 0
    context = context[:200]
    shown = {}
    for subject in subjects:
        if subject is None:
            continue
        person, target = _seen(subject)
        if person is not None and person.pk == viewer.pk:
            continue
        where = pointer(target) if target is not None else {"target_type": "", "target_id": "", "target_label": ""}
        key = (person.pk if person is not None else None, where["target_type"], where["target_id"])
        shown[key] = (person, where)
    if not shown:
        return 0
    people = {person_pk for person_pk, _type, _id in shown if person_pk is not None}
    records = {target_id for _pk, target_type, target_id in shown if target_type}
    seen = set(
        ContactView.objects.filter(
            models.Q(subject__in=people) | models.Q(target_id__in=records),
            viewer=viewer,
            context=context,
            created__gte=timezone.now() - CONTACT_VIEW_WINDOW,
        ).values_list("subject", "target_type", "target_id")
    )
    rows = [
        ContactView(subject=person, viewer=viewer, viewer_role=viewer_role, context=context, **where)
        for key, (person, where) in shown.items()
        if key not in seen
    ]
    ContactView.objects.bulk_create(rows)
    return len(rows)


def pass_contact_views(*, record, to):
    """``record`` (a wish entered for a resident without an account) now belongs to ``to``, her account: the views
    of its contact details recorded while she had none become hers, on her “我的” and in her data."""
    where = pointer(record)
    return ContactView.objects.filter(
        subject__isnull=True, target_type=where["target_type"], target_id=where["target_id"]
    ).update(subject=to)
