from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    # The shared cache lives in PostgreSQL by default; migrating must be enough to run the portal.
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    """Creates the database cache table (a no-op when it exists or when Redis is configured)."""

    dependencies = [("community", "0008_dashboard_permissions")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
