"""Party members, 双报到 and party days; included by portal/urls.py under /party/."""

from django.urls import path

from party import views

app_name = "party"

urlpatterns: list = [
    # --- Party members: declaration, confirmation, the badge ---
    path("me/membership/", views.MembershipView.as_view(), name="membership"),
    path("me/membership/withdraw/", views.withdraw_membership, name="withdraw_membership"),
    path("me/membership/badge/", views.show_badge, name="show_badge"),
    path("declarations/", views.DeclarationsView.as_view(), name="declarations"),
    path("declarations/<int:pk>/confirm/", views.confirm_membership, name="confirm_membership"),
    path("declarations/<int:pk>/reject/", views.reject_membership, name="reject_membership"),
]
