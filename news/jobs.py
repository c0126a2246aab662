"""News jobs: scheduled articles reach cached pages when their time comes."""

from datetime import timedelta

from community import sections, versions
from community.periodic import periodic_job
from news.models import SECTION, Article


@periodic_job(every=timedelta(minutes=1), description="定时发布的文章到点后刷新页面缓存")
def show_due_articles(now):
    """Nothing is saved when a scheduled article's time comes, so this job tells the kept pages."""
    since = versions.changed_at(SECTION)
    due = Article.objects.published(now)
    if since is not None:
        due = due.filter(publish_at__gt=since)
    if due.exists():
        sections.changed(SECTION)
        return "scheduled articles became due; news pages will be rebuilt"
    return "nothing became due"
