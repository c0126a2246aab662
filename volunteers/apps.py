from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VolunteersConfig(AppConfig):
    """Teams, workstations, volunteers, partner units, activities and service hours."""

    name = "volunteers"
    verbose_name = _("志愿服务")
