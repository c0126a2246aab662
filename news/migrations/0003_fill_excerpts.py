from django.db import migrations
from django.db.models.functions import Left


def fill_excerpts(apps, schema_editor):
    Article = apps.get_model("news", "Article")
    Article.objects.filter(excerpt="").update(excerpt=Left("body_text", 120))


class Migration(migrations.Migration):
    """Data migration: the new excerpt column for articles written before it existed."""

    dependencies = [("news", "0002_article_excerpt")]

    operations = [migrations.RunPython(fill_excerpts, migrations.RunPython.noop)]
