from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WhistlesConfig(AppConfig):
    """Problem reports and whistles (吹哨报到)."""

    name = "whistles"
    verbose_name = _("红哨子")
