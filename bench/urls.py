"""The portal's URLs, and the ceiling page in front of them (benchmark only)."""

from django.urls import path

from bench import views
from portal import urls as portal

urlpatterns = [
    path("bench/ceiling/", views.ceiling, name="bench_ceiling"),
    *portal.urlpatterns,
]

handler500 = portal.handler500
