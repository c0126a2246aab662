from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WhistlesConfig(AppConfig):
    """Problem reports and whistles (吹哨报到)."""

    name = "whistles"
    verbose_name = _("红哨子")

    def ready(self):
        from community.images import register_photo_access
        from whistles.models import may_view_report_photo

        register_photo_access(may_view_report_photo)
