"""Sign-up counts kept on the activity by a trigger, so that lists of activities do not count sign-ups.

The trigger moves the counts in the transaction of every change to a sign-up,
whichever path made it (the ORM, a bulk load, a cascade from an erased
account); Activity.save never writes them.
"""

from django.db import migrations, models

# One statement-level trigger per kind of change, reading the changed rows as transition tables: a bulk load of
# 100,000 sign-ups moves each activity's counts once, not once per row.
CHANGED_ROWS = {
    "INSERT": "SELECT activity_id, status, 1 AS sign FROM new_rows",
    "DELETE": "SELECT activity_id, status, -1 AS sign FROM old_rows",
    "UPDATE": "SELECT activity_id, status, 1 AS sign FROM new_rows "
    "UNION ALL SELECT activity_id, status, -1 AS sign FROM old_rows",
}
TRANSITION_TABLES = {
    "INSERT": "NEW TABLE AS new_rows",
    "DELETE": "OLD TABLE AS old_rows",
    "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
}


def keep_counts(event):
    name = f"volunteers_signup_counts_{event.lower()}"
    return f"""
CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE volunteers_activity AS activity
       SET signup_count = activity.signup_count + delta.signed_up,
           waiting_count = activity.waiting_count + delta.waiting
      FROM (SELECT activity_id,
                   coalesce(sum(sign) FILTER (WHERE status = 'signed_up'), 0) AS signed_up,
                   coalesce(sum(sign) FILTER (WHERE status = 'waiting'), 0) AS waiting
              FROM ({CHANGED_ROWS[event]}) AS changed
             GROUP BY activity_id) AS delta
     WHERE activity.id = delta.activity_id
       AND (delta.signed_up <> 0 OR delta.waiting <> 0);
    RETURN NULL;
END
$$;
CREATE TRIGGER {name} AFTER {event} ON volunteers_signup
REFERENCING {TRANSITION_TABLES[event]} FOR EACH STATEMENT EXECUTE FUNCTION {name}();
"""


def drop_counts(event):
    name = f"volunteers_signup_counts_{event.lower()}"
    return f"DROP TRIGGER {name} ON volunteers_signup; DROP FUNCTION {name}();"


COUNT_EXISTING = """
UPDATE volunteers_activity AS activity
   SET signup_count = counted.signed_up, waiting_count = counted.waiting
  FROM (SELECT activity_id,
               count(*) FILTER (WHERE status = 'signed_up') AS signed_up,
               count(*) FILTER (WHERE status = 'waiting') AS waiting
          FROM volunteers_signup GROUP BY activity_id) AS counted
 WHERE activity.id = counted.activity_id;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("volunteers", "0006_branch_hosts_and_unit_registration"),
    ]

    operations = [
        migrations.AddField(
            model_name="activity",
            name="signup_count",
            field=models.PositiveIntegerField(default=0, editable=False, verbose_name="已报名人数"),
        ),
        migrations.AddField(
            model_name="activity",
            name="waiting_count",
            field=models.PositiveIntegerField(default=0, editable=False, verbose_name="候补人数"),
        ),
        *(migrations.RunSQL(keep_counts(event), drop_counts(event)) for event in CHANGED_ROWS),
        migrations.RunSQL(COUNT_EXISTING, migrations.RunSQL.noop),
    ]
