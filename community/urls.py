"""The site's own pages: accounts, the inbox, the call list, site pages, health and private photos.

Included by the portal's root URLconf (portal/urls.py), under the root.
"""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import include, path

from community import views
from community.forms import LoginForm
from community.ratelimit import rate_limited

accounts = [
    path("register/", rate_limited("register")(views.RegisterView.as_view()), name="register"),
    path(
        "login/",
        # Failed attempts are limited on every login form by community/login_guard.py.
        auth_views.LoginView.as_view(authentication_form=LoginForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path(
        "password/reset/",
        rate_limited("password_reset", account_field="email")(
            auth_views.PasswordResetView.as_view(extra_email_context={"site_name": settings.COMMUNITY_NAME})
        ),
        name="password_reset",
    ),
    path("password/reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "second-step/",
        rate_limited("second_factor")(views.SecondFactorVerifyView.as_view()),
        name="second_factor_verify",
    ),
    path(
        "second-step/set-up/",
        rate_limited("second_factor")(views.SecondFactorEnrolView.as_view()),
        name="second_factor_enrol",
    ),
    path("security/", views.AccountSecurityView.as_view(), name="account_security"),
    path("security/recovery-codes/", views.new_recovery_codes, name="new_recovery_codes"),
    path("password/reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]

urlpatterns = [
    path("me/profile/", views.ProfileUpdateView.as_view(), name="profile"),
    path("me/home/", views.MyHomeView.as_view(), name="my_home"),
    path("staff/homes/", views.HomesToConfirmView.as_view(), name="homes_to_confirm"),
    path("staff/homes/<int:pk>/confirm/", views.confirm_home, name="confirm_home"),
    path("me/inbox/", views.InboxView.as_view(), name="inbox"),
    path("me/inbox/<int:pk>/", views.open_notification, name="open_notification"),
    path("me/inbox/read-all/", views.read_all_notifications, name="read_all_notifications"),
    path("staff/call-list/", views.CallListView.as_view(), name="call_list"),
    path("staff/call-list/<int:pk>/phoned/", views.mark_phoned, name="mark_phoned"),
    path("accounts/", include(accounts)),
    path("elderly-mode/", views.elderly_mode, name="elderly_mode"),
    path("privacy/", views.PrivacyNoticeView.as_view(), name="privacy"),
    path("about/", views.AboutView.as_view(), name="about"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("photos/<str:key>/<int:width>.webp", views.private_photo, name="private_photo"),
]
