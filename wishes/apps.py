from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WishesConfig(AppConfig):
    """Micro-wishes and their claims."""

    name = "wishes"
    verbose_name = _("微心愿")

    def ready(self):
        from community.images import register_photo_access
        from wishes.models import may_view_wish_photo

        register_photo_access(may_view_wish_photo)
