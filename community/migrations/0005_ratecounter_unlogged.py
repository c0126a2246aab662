from django.db import migrations


class Migration(migrations.Migration):
    """Rate counters are disposable: an UNLOGGED table skips the write-ahead log for them."""

    dependencies = [("community", "0004_ratecounter")]

    operations = [
        migrations.RunSQL(
            "ALTER TABLE community_ratecounter SET UNLOGGED",
            reverse_sql="ALTER TABLE community_ratecounter SET LOGGED",
        )
    ]
