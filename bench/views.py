"""The ceiling: the fastest page this stack can serve, to measure every real page against."""

from django.shortcuts import render

from volunteers.models import Team


def ceiling(request):
    """One query for 20 rows of a small table, drawn by a minimal template.

    It passes through the same middleware and context processors as every
    page, so that a page's requests per second divided by this page's is the
    share of the possible that the page achieves (issue #9 asks for 60%).
    """
    teams = Team.objects.order_by("pk").values("pk", "name")[:20]
    return render(request, "bench/ceiling.html", {"teams": teams})
