from django.urls import path

from whistles import views

app_name = "whistles"

urlpatterns = [
    path("", views.BoardView.as_view(), name="board"),
    path("report/", views.ReportProblemView.as_view(), name="report_problem"),
    path("report/on-behalf/", views.ReportOnBehalfView.as_view(), name="report_on_behalf"),
    path("reports/mine/", views.MyReportsView.as_view(), name="my_reports"),
    path("reports/<int:pk>/", views.ReportView.as_view(), name="report"),
    path("reports/<int:pk>/reply/", views.reply_to_report, name="reply"),
    path("reports/<int:pk>/merge/", views.merge_report, name="merge"),
    path("reports/<int:pk>/hand/", views.hand_report, name="hand"),
    path("triage/", views.TriageView.as_view(), name="triage"),
    path("responsiveness/", views.ResponsivenessView.as_view(), name="responsiveness"),
    path("new/", views.BlowWhistleView.as_view(), name="blow"),
    path("<int:pk>/", views.WhistleView.as_view(), name="detail"),
    path("<int:pk>/close/", views.close_whistle, name="close"),
    path("<int:pk>/withdraw-call/", views.withdraw_call, name="withdraw_call"),
    path("<int:pk>/call-more/", views.call_more, name="call_more"),
    path("<int:pk>/rate/", views.rate_whistle, name="rate"),
    path("<int:pk>/calls/<int:call_pk>/report-in/", views.report_in, name="report_in"),
    path("<int:pk>/calls/<int:call_pk>/update/", views.post_update, name="update"),
    path("<int:pk>/calls/<int:call_pk>/done/", views.mark_done, name="done"),
    path("updates/<int:pk>/hide/", views.hide, {"kind": "update"}, name="hide_update"),
    path("ratings/<int:pk>/hide/", views.hide, {"kind": "rating"}, name="hide_rating"),
]
