from django.core.management.base import BaseCommand
from django.db import transaction

from community import demo as community_demo
from lending import demo as lending_demo
from news import demo as news_demo
from party import demo as party_demo
from places import demo as places_demo
from volunteers import demo as volunteers_demo
from whistles import demo as whistles_demo
from wishes import demo as wishes_demo

# Each app's demo content, in dependency order (teams before wishes, …).
DEMOS = [community_demo, news_demo, volunteers_demo, wishes_demo, whistles_demo, lending_demo, places_demo, party_demo]


class Command(BaseCommand):
    help = "Load the demo community (idempotent: running it again creates no duplicates)."

    def handle(self, *args, **options):
        for demo in DEMOS:
            self.stdout.write(f"Loading {demo.__name__} …")
            with transaction.atomic():
                demo.load(self.stdout)
        community_demo.second_factors()
        community_demo.print_logins(self.stdout)
