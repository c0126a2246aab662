from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    """The site itself: accounts, grids and buildings, site-wide pages, periodic jobs."""

    name = "community"
    verbose_name = _("社区与账号")
    default = True  # this module also holds the login-protection config below

    def ready(self):
        # Imported once the app registry is ready: these modules read the models.
        from community import contributions, roles

        # Each app's contributions.py adds its parts to pages of other apps (home, 我的, personal data …).
        contributions.discover()

        # Permission groups are kept in step with the code after every migrate;
        # permissions only exist after migrate, so a data migration cannot do it.
        post_migrate.connect(roles.sync_roles, dispatch_uid="community.sync_roles")


class LoginProtectionConfig(AxesAppConfig):
    """django-axes under a Chinese name in the admin (its own config has no verbose name to translate)."""

    verbose_name = _("登录保护")
