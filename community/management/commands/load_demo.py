import importlib
import importlib.util

from django.core.management.base import BaseCommand
from django.db import transaction

from community import demo

# Each app's demo content, in dependency order (teams before wishes, …).
DEMO_MODULES = ["community.demo", "news.demo", "volunteers.demo", "wishes.demo", "whistles.demo"]


class Command(BaseCommand):
    help = "Load the demo community (idempotent: running it again creates no duplicates)."

    def handle(self, *args, **options):
        for name in DEMO_MODULES:
            if importlib.util.find_spec(name) is None:
                continue
            self.stdout.write(f"Loading {name} …")
            with transaction.atomic():
                importlib.import_module(name).load(self.stdout)
        demo.print_logins(self.stdout)
