"""Django's PostgreSQL backend, with one addition: a transaction's page-cache sections move inside it.

Just before a transaction commits, the sections its changes reported
(community/sections.py) get their new versions in the same transaction, so
that no change can commit without them and none is moved by a change that
rolled back. Done at the very end, the version rows are locked only while
the commit happens, always in the same order.
"""

from django.db.backends.postgresql import base

from community import versions


class DatabaseWrapper(base.DatabaseWrapper):
    def _commit(self):
        versions.write_pending(self)
        return super()._commit()

    def _rollback(self):
        versions.forget_pending(self)
        return super()._rollback()
