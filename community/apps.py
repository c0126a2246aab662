from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    """The site itself: accounts, grids and buildings, site-wide pages, periodic jobs."""

    name = "community"
    verbose_name = _("社区与账号")

    def ready(self):
        # Imported once the app registry is ready: these modules read the models.
        from community import contributions, login_guard, roles, second_factor  # noqa: F401 (signal receivers)

        # Each app's contributions.py adds its parts to pages of other apps (home, 我的, personal data …).
        contributions.discover()

        # Permission groups are kept in step with the code after every migrate;
        # permissions only exist after migrate, so a data migration cannot do it.
        post_migrate.connect(roles.sync_roles, dispatch_uid="community.sync_roles")
