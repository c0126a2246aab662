"""News jobs: scheduled articles reach cached pages when their time comes."""

from datetime import timedelta

from community import pagecache
from community.periodic import periodic_job


@periodic_job(every=timedelta(minutes=1), description="定时发布的文章到点后刷新页面缓存")
def show_due_articles(now):
    from news.models import Article

    since = pagecache.changed_at("news")
    due = Article.objects.published(now)
    if since is not None:
        due = due.filter(publish_at__gt=since)
    if due.exists():
        pagecache.changed("news")
        return "scheduled articles became due; news pages will be rebuilt"
    return "nothing became due"
