"""Party members, 双报到 and party days; included by portal/urls.py under /party/."""

app_name = "party"

urlpatterns: list = []
