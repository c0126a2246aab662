"""Existing sign-ups were all volunteers': name their accounts as ``person``."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def name_the_accounts(apps, schema_editor):
    SignUp = apps.get_model("volunteers", "SignUp")
    Volunteer = apps.get_model("volunteers", "Volunteer")
    SignUp.objects.filter(person__isnull=True, volunteer__isnull=False).update(
        person=Subquery(Volunteer.objects.filter(pk=OuterRef("volunteer_id")).values("user_id")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [("volunteers", "0004_events_for_residents")]

    operations = [migrations.RunPython(name_the_accounts, migrations.RunPython.noop)]
