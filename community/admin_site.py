"""The admin (管理后台) as part of the portal: its name, its menu in the portal's order, system records apart.

Staff see in the menu only what their role's permissions allow (Django's own
rule). On top of that, the records the portal writes by itself (the audit
trail, job runs, the notification outbox, contact views, login attempts) are
not daily work: only the portal's administrators (superusers) see them, in one
section at the end.
"""

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

# Sections of the menu in the order of the portal's own nav; apps not named come after them.
MENU_ORDER = ("news", "wishes", "whistles", "volunteers", "community", "places", "party", "auth")

# "app_label.model_name", or "app_label" for a whole app: kept by the portal, read when something needs checking.
# (Daily reads stay with the news: editors follow them.)
SYSTEM_RECORDS = {
    "community.auditentry",
    "community.contactview",
    "community.jobrun",
    "community.notification",
}


def _site_name(suffix):
    return lazy(lambda: f"{settings.COMMUNITY_NAME}{suffix}", str)()


def _is_system_record(app_label, model):
    return app_label in SYSTEM_RECORDS or f"{app_label}.{model['object_name'].lower()}" in SYSTEM_RECORDS


class PortalAdminSite(admin.AdminSite):
    site_header = _site_name(" · 管理后台")
    site_title = _site_name("管理后台")
    index_title = _("工作台")

    def get_app_list(self, request, app_label=None):
        apps = super().get_app_list(request, app_label)
        records = []
        for app in apps:
            daily = [m for m in app["models"] if not _is_system_record(app["app_label"], m)]
            records += [m for m in app["models"] if _is_system_record(app["app_label"], m)]
            app["models"] = daily
        apps = [app for app in apps if app["models"]]
        apps.sort(key=lambda app: _menu_position(app["app_label"]))
        if records and request.user.is_superuser:
            records.sort(key=lambda model: model["name"])
            apps.append(
                {
                    "name": _("系统记录"),
                    "app_label": "system_records",
                    # A section of the menu, not an app: its heading opens its first record list.
                    "app_url": records[0]["admin_url"],
                    "has_module_perms": True,
                    "models": records,
                }
            )
        return apps


def _menu_position(app_label):
    return MENU_ORDER.index(app_label) if app_label in MENU_ORDER else len(MENU_ORDER)


class PortalAdminConfig(AdminConfig):
    default_site = "community.admin_site.PortalAdminSite"
