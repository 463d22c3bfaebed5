"""Django's PostgreSQL engine with hooks before the commit (see :mod:`dueprocess.backends`)."""

from django.db.backends.postgresql import base

from dueprocess.backends.hooks import BeforeCommitMixin


class DatabaseWrapper(BeforeCommitMixin, base.DatabaseWrapper):
    pass
