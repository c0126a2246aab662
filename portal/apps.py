from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The roof over the apps, without models: home, 我的, the dashboard, exports, personal data, root URLs."""

    name = "portal"
    verbose_name = _("门户")
