from django.core.management.base import BaseCommand

from news.models import Article


class Command(BaseCommand):
    help = "Re-sanitise every article body and recompute its search words (after changing the word list)."

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=500)

    def handle(self, *args, **options):
        done = 0
        last_id = 0
        while True:
            batch = list(Article.objects.filter(pk__gt=last_id).order_by("pk")[: options["batch"]])
            if not batch:
                break
            for article in batch:
                article.refresh_derived_fields()
            Article.objects.bulk_update(batch, ["body", "body_text", "excerpt", "search_title", "search_text"])
            done += len(batch)
            last_id = batch[-1].pk
        self.stdout.write(f"{done} articles reindexed")
