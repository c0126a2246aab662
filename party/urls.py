"""Party members, 双报到 and party days; included by portal/urls.py under /party/."""

from django.urls import path

from party import views

app_name = "party"

urlpatterns = [
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
    # --- 双报到: in-service members and units report in; the yearly record and the feedback sheet
    path("service/", views.ServiceRecordView.as_view(), name="service_record"),
    path("in-service/", views.InServiceView.as_view(), name="in_service"),
    path("in-service/posts/", views.choose_posts, name="choose_posts"),
    path("feedback/<int:pk>/seen/", views.acknowledge_sheet, name="acknowledge_sheet"),
    path("units/register/", views.UnitRegistrationView.as_view(), name="register_unit"),
    path("review/", views.ReviewView.as_view(), name="in_service_review"),
    path("review/members/<int:pk>/approve/", views.decide_member, {"approve": True}, name="approve_member"),
    path("review/members/<int:pk>/decline/", views.decide_member, {"approve": False}, name="decline_member"),
    path("review/units/<int:pk>/approve/", views.decide_unit, {"approve": True}, name="approve_unit"),
    path("review/units/<int:pk>/decline/", views.decide_unit, {"approve": False}, name="decline_unit"),
    path("my-unit/", views.UnitMembersView.as_view(), name="unit_members"),
    path("units/", views.UnitsView.as_view(), name="units"),
    path("units/members/<int:pk>/feedback/<int:year>/", views.FeedbackFormView.as_view(), name="write_feedback"),
    path("units/<int:pk>/feedback/<int:year>/", views.UnitFeedbackView.as_view(), name="unit_feedback"),
    path("units/<int:pk>/feedback/<int:year>/print/", views.print_feedback, name="print_feedback"),
]
