"""The demo's party days: a year for each branch, one month missed, the next ones open, two summaries in the news."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from community.models import Grid, PartyBranch
from news.models import Article
from party.models import PartyDay, year_at_a_glance


@pytest.mark.django_db
def test_the_demo_has_a_year_of_party_days_for_every_branch(settings, tmp_path, client):
    settings.DATA_DIR = tmp_path
    call_command("load_demo")
    counts = (PartyDay.objects.count(), Article.objects.count())
    call_command("load_demo")
    assert (PartyDay.objects.count(), Article.objects.count()) == counts
    assert not Grid.objects.filter(duty_phone="").exists()
    now = timezone.now()
    states = {}
    for branch in PartyBranch.objects.all():
        days = list(PartyDay.objects.filter(activity__branch=branch).with_attendance().select_related("activity"))
        states[branch.name] = [day.state(now) for day in days]
        assert "planned" in states[branch.name], branch
        assert states[branch.name].count("held") >= 11 or branch.name == "第三网格党支部"
    assert states["第三网格党支部"].count("held") == 11
    articles = Article.objects.filter(source__endswith="网格党支部", column__slug="dangqun-dongtai")
    assert sorted(article.status for article in articles) == ["draft", "published"]
    assert all("<img" in article.body for article in articles)
    branch = PartyBranch.objects.get(name="第三网格党支部")
    year = timezone.localdate().year
    months = year_at_a_glance(PartyDay.objects.of_branch_in(branch, year).select_related("activity"), year, now)
    page = client.get(branch.get_absolute_url()).content.decode()
    assert page.count("party-month ") == 12 and all(str(month.label) in page for month in months)
