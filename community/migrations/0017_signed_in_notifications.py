"""Triggers that tell the web processes' copies of sessions and people when one changed (community/signedin.py).

Each sends ``NOTIFY signed_in`` once per statement, in its transaction (so only
if it commits), naming what changed: ``s:`` and the sessions (the first 16 hex
digits of the md5 of their key: the key itself never travels), or ``u:`` and
the people's ids; ``*`` when a statement changed more than ``MANY`` of them or
when it changed what many people's permissions are made of.
"""

from django.db import migrations

MANY = 100

# (table, kind, the expression naming what changed in a changed row, events); "*": every kept one of that kind.
WATCHED = [
    ("django_session", "s", "left(md5(session_key), 16)", ("UPDATE", "DELETE")),
    ("community_user", "u", "id::text", ("UPDATE", "DELETE")),
    ("community_notification", "u", "recipient_id::text", ("INSERT", "UPDATE", "DELETE")),
    ("community_user_groups", "u", "user_id::text", ("INSERT", "UPDATE", "DELETE")),
    ("community_user_user_permissions", "u", "user_id::text", ("INSERT", "UPDATE", "DELETE")),
    ("auth_group_permissions", "u", "'*'", ("INSERT", "UPDATE", "DELETE")),
]
ROWS = {
    "INSERT": ("NEW TABLE AS new_rows", "SELECT {name} AS name FROM new_rows"),
    "DELETE": ("OLD TABLE AS old_rows", "SELECT {name} AS name FROM old_rows"),
    "UPDATE": (
        "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        "SELECT {name} AS name FROM old_rows UNION SELECT {name} AS name FROM new_rows",
    ),
}


def trigger_name(table, event):
    return f"{table}_signed_in_{event.lower()}"


def create(table, kind, name, event):
    trigger = trigger_name(table, event)
    transition, changed = ROWS[event]
    return f"""
CREATE FUNCTION {trigger}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    names text;
BEGIN
    SELECT CASE WHEN count(DISTINCT name) > {MANY} OR bool_or(name = '*') THEN '*'
                ELSE string_agg(DISTINCT name, ',') END
      INTO names
      FROM ({changed.format(name=name)}) AS changed;
    IF names IS NOT NULL THEN
        PERFORM pg_notify('signed_in', '{kind}:' || names);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER {trigger} AFTER {event} ON {table}
REFERENCING {transition} FOR EACH STATEMENT EXECUTE FUNCTION {trigger}();
"""


def drop(table, event):
    trigger = trigger_name(table, event)
    return f"DROP TRIGGER {trigger} ON {table}; DROP FUNCTION {trigger}();"


def forget_all_on_truncate(table, kind):
    """Emptying a table (TRUNCATE: no row is deleted one by one) drops every kept one of its kind."""
    trigger = f"{table}_signed_in_truncate"
    return f"""
CREATE FUNCTION {trigger}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('signed_in', '{kind}:*');
    RETURN NULL;
END
$$;
CREATE TRIGGER {trigger} AFTER TRUNCATE ON {table} FOR EACH STATEMENT EXECUTE FUNCTION {trigger}();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0016_party_members_and_branches"),
        ("sessions", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        *(
            migrations.RunSQL(create(table, kind, name, event), drop(table, event))
            for table, kind, name, events in WATCHED
            for event in events
        ),
        *(
            migrations.RunSQL(forget_all_on_truncate(table, kind), drop(table, "TRUNCATE"))
            for table, kind, _name, _events in WATCHED
        ),
    ]
