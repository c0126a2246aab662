from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LendingConfig(AppConfig):
    """The lending box (爱心百宝箱): items neighbours may borrow, and their loans."""

    name = "lending"
    verbose_name = _("爱心百宝箱")
