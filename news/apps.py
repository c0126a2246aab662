from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsConfig(AppConfig):
    """Columns and articles: the community's news."""

    name = "news"
    verbose_name = _("新闻动态")
