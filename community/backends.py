from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from community import signedin
from community.models import Notification
from community.privacy import canonical_login


class LoginNameBackend(ModelBackend):
    """Log in with a user name (any letter case) or a mobile number in any common spelling."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username:
            username = canonical_login(username)
            stored = (
                get_user_model()
                ._default_manager.filter(username__iexact=username)
                .values_list("username", flat=True)
                .first()
            )
            username = stored or username
        return super().authenticate(request, username=username, password=password, **kwargs)

    def get_user(self, user_id):
        """The signed-in person, with their unread notification count in the same query (every page shows it).

        Kept by this process (community/signedin.py) until PostgreSQL says the person, their notifications or
        their permissions changed; staff are kept with their permissions.
        """
        kept = signedin.kept_person(user_id)
        if kept is not None:
            return kept if self.user_can_authenticate(kept) else None
        heard_before = signedin.people.heard
        unread = (
            Notification.objects.unread()
            .filter(recipient=OuterRef("pk"))
            .values("recipient")
            .annotate(n=Count("pk"))
            .values("n")
        )
        user = (
            get_user_model()
            ._default_manager.annotate(unread_notifications=Coalesce(Subquery(unread), 0))
            .filter(pk=user_id)
            .first()
        )
        if user is None or not self.user_can_authenticate(user):
            return None
        if signedin.in_use():
            self.get_all_permissions(user)  # kept with the person: a staff page asks for them
            signedin.keep_person(user, heard_before=heard_before)
        return user

    def get_all_permissions(self, user_obj, obj=None):
        """The person's own and their groups' permissions in one query (Django asks for them in two).

        Permissions are staff roles (community/roles.py): a resident holds none, and asking costs no query.
        """
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None or not user_obj.is_staff:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            from django.contrib.auth.models import Permission

            permissions = Permission.objects.order_by()
            if not user_obj.is_superuser:
                permissions = permissions.filter(Q(user=user_obj) | Q(group__user=user_obj))
            # Frozen: a person kept by this process (community/signedin.py) shares it with each request's copy.
            user_obj._perm_cache = frozenset(
                f"{app_label}.{codename}"
                for app_label, codename in permissions.values_list("content_type__app_label", "codename").distinct()
            )
        return user_obj._perm_cache
