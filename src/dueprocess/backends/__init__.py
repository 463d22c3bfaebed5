"""Database engines of our own: Django's, plus work that must run just before a commit.

The audit chain's head is the one row every state change writes. Taken in the middle of a
transaction it would be held while that transaction goes on to lock other rows, and two
writers locking in opposite orders deadlock. So events are kept until the transaction is
about to commit and written then, under the head's lock, as the very last thing
(:mod:`dueprocess.audit.chain`). Django has ``on_commit`` (after) but no hook before; these
engines add one. ``DATABASES[...]["ENGINE"]`` names them (see :mod:`dueprocess.settings`).
"""
