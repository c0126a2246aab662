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
    # --- Party days (主题党日)
    path("branches/<int:pk>/", views.BranchView.as_view(), name="branch"),
    path("branches/<int:pk>/plan/", views.PlanPartyDayView.as_view(), name="plan_party_day"),
    path("days/<int:pk>/summary/", views.PartyDaySummaryView.as_view(), name="party_day_summary"),
    path("days/<int:pk>/article/", views.draft_party_day_article, name="party_day_article"),
]
