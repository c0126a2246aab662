from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacesConfig(AppConfig):
    """十五分钟便民服务圈: everyday places within a short walk, their hours, and reports of wrong entries."""

    name = "places"
    verbose_name = _("十五分钟便民服务圈")
