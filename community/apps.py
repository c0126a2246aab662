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
        from community import pagecache, roles

        # Saving anything of news, wishes, volunteers or whistles marks cached pages stale, in every process.
        pagecache.connect_signals()

        # Permission groups are kept in step with the code after every migrate;
        # permissions only exist after migrate, so a data migration cannot do it.
        post_migrate.connect(roles.sync_roles, dispatch_uid="community.sync_roles")


class LoginProtectionConfig(AxesAppConfig):
    """django-axes under a Chinese name in the admin (its own config has no verbose name to translate)."""

    verbose_name = _("登录保护")
