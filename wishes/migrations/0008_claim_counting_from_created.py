from django.db import migrations
from django.db.models import F


def count_from_the_claim(apps, schema_editor):
    """Existing claims count their days from when they were made, as before."""
    apps.get_model("wishes", "WishClaim").objects.update(counting_from=F("created"))


class Migration(migrations.Migration):
    dependencies = [
        ("wishes", "0007_claim_counting_from"),
    ]

    operations = [
        migrations.RunPython(count_from_the_claim, migrations.RunPython.noop),
    ]
