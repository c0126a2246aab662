from django.urls import path

from places import views

app_name = "places"

urlpatterns = [
    path("", views.DirectoryView.as_view(), name="index"),
    path("<int:pk>/", views.PlaceView.as_view(), name="detail"),
    path("<int:pk>/report/", views.ReportView.as_view(), name="report"),
    path("reports/", views.ReportListView.as_view(), name="reports"),
    path("reports/<int:pk>/handle/", views.handle_report, name="handle_report"),
]
