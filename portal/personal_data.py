"""A person's data, across every app: downloading it, and deleting the account.

In the spirit of the Personal Information Protection Law (个人信息保护法): a
resident can take a copy of what the portal holds about them, and can leave.
When they leave, what others need (the public history of wishes, service hours
that count for teams, ratings) stays, anonymised; their personal details go.
Each app adds its part (community/contributions.py: ``personal_data_export``
and ``personal_data_erase``); the account's own part is here.
"""

import uuid

from django.db import transaction
from django.utils import timezone

from community import audit
from community.contributions import export_time, personal_data_erase, personal_data_export
from community.models import DELETED_DISPLAY_NAME, ContactView, Home, Notification


def user_export_data(*, user):
    """Everything the portal holds about ``user``, as plain data for a JSON download."""
    data = {
        "generated_at": export_time(timezone.now()),
        "account": {
            "login": user.username,
            "display_name": user.display_name,
            "email": user.email,
            "joined": export_time(user.date_joined),
            "last_login": export_time(user.last_login),
        },
    }
    home = Home.objects.filter(resident=user).select_related("building").first()
    data["home"] = (
        None
        if home is None
        else {
            "address": home.address,
            "confirmed": export_time(home.confirmed_at),
            "updated": export_time(home.updated),
        }
    )
    for export in personal_data_export:
        data.update(export(user))
    data["notifications"] = [
        {"title": n.title, "body": n.body, "created": export_time(n.created)}
        for n in Notification.objects.filter(recipient=user)
    ]
    data["who_saw_my_contact_details"] = [
        {"when": export_time(v.created), "viewer": v.viewer_role, "where": v.context}
        for v in ContactView.objects.filter(subject=user)
    ]
    return data


@transaction.atomic
def user_delete(*, user):
    """Delete a resident's account: personal details erased, public history kept anonymously."""
    for erase in personal_data_erase:
        erase(user)
    Notification.objects.filter(recipient=user).delete()
    ContactView.objects.filter(subject=user).delete()
    Home.objects.filter(resident=user).delete()
    audit.record(actor=user, action="account.delete", target=user)
    user.username = f"deleted-{uuid.uuid4().hex[:16]}"
    user.display_name = DELETED_DISPLAY_NAME
    user.email = ""
    user.first_name = user.last_name = ""
    user.is_active = user.is_staff = user.is_superuser = False
    user.set_unusable_password()
    user.save()  # the public name changes: every kept page showing it is stale (community/sections.py)
    user.groups.clear()
    user.user_permissions.clear()
