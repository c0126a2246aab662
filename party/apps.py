from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartyConfig(AppConfig):
    """Party members and grids: declarations, 双报到 of in-service members and units, and the monthly party day."""

    name = "party"
    verbose_name = _("党建")
