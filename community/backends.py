from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

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
