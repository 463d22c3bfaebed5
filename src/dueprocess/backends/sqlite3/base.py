"""Django's SQLite engine with hooks before the commit (see :mod:`dueprocess.backends`)."""

from django.db.backends.sqlite3 import base

from dueprocess.backends.hooks import BeforeCommitMixin


class DatabaseWrapper(BeforeCommitMixin, base.DatabaseWrapper):
    pass
