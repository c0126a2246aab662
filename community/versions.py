"""The page-cache versions' store: PostgreSQL's SectionVersion rows, moved in the transaction of each change.

community/sections.py says which sections a change touches; this module
writes their new versions just before the transaction commits (called by the
database backend, community/postgres/base.py) and reads the current ones
(community/pagecache.py). It imports no model, so the database backend can import it.
"""

from datetime import UTC, datetime

from django.db import DEFAULT_DB_ALIAS, connections

# A version is the moment of the change in microseconds, and always more than the one before: unique across
# a restored backup or an emptied table, so that no page kept before can ever match a later version.
# The new versions are also announced to the web processes' copies of kept pages (community/pagecopy.py):
# PostgreSQL delivers the notification when the transaction commits, and never if it rolls back.
_MOVE_ON = """
    WITH moved AS (
        INSERT INTO community_sectionversion (section, version)
        SELECT name, (extract(epoch FROM clock_timestamp()) * 1000000)::bigint
          FROM unnest(%s::text[]) AS name ORDER BY name
        ON CONFLICT (section) DO UPDATE
           SET version = GREATEST(community_sectionversion.version + 1, EXCLUDED.version)
        RETURNING section, version
    )
    SELECT pg_notify('page_versions', string_agg(section || '=' || version, ',')) FROM moved
"""


def pending(connection=None):
    """The sections changed in the primary connection's current transaction, not yet written."""
    connection = connection or connections[DEFAULT_DB_ALIAS]
    if not hasattr(connection, "pagecache_pending"):
        connection.pagecache_pending = set()
    elif not connection.in_atomic_block and not connection.run_on_commit:
        # Nothing waits for a commit: what is left belonged to a transaction that rolled back.
        connection.pagecache_pending.clear()
    return connection.pagecache_pending


def write_pending(connection):
    """Give the sections changed in ``connection``'s transaction their new versions (one statement), then forget
    them. Called just before the commit (the database backend) and, where no real commit happens (a test's
    transaction), by the commit callback."""
    waiting = getattr(connection, "pagecache_pending", None)
    if not waiting:
        return
    names = sorted(waiting)
    waiting.clear()
    with connection.cursor() as cursor:
        cursor.execute(_MOVE_ON, [names])


def forget_pending(connection):
    """The transaction rolled back: what it changed never happened."""
    getattr(connection, "pagecache_pending", set()).clear()


def after_commit():
    write_pending(connections[DEFAULT_DB_ALIAS])


def current_versions(sections, *, using):
    """{section: version} as PostgreSQL (the database ``using``) has them now (0 for a section that never changed)."""
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT section, version FROM community_sectionversion WHERE section = ANY(%s)", [list(sections)]
        )
        found = dict(cursor.fetchall())
    return {section: found.get(section, 0) for section in sections}


def changed_at(section):
    """When the section last changed (a datetime), or None if it never did."""
    version = current_versions([section], using=DEFAULT_DB_ALIAS)[section]
    return datetime.fromtimestamp(version / 1e6, tz=UTC) if version else None
