"""Test settings: the production settings in test mode, with a throwaway home."""

import os
import tempfile

os.environ["DUEPROCESS_MODE"] = "test"
os.environ.setdefault("DUEPROCESS_HOME", tempfile.mkdtemp(prefix="dueprocess-test-"))
# Disclosures wait this many days after the user notice; tests of the wait set their own.
os.environ.setdefault("DUEPROCESS_NOTICE_PERIOD_DAYS", "0")

from dueprocess.settings import *  # noqa: F403

# SQLite: a test database in a file, not in memory, so that a worker process started by a
# test (the kill test) sees the same data. Its folder doubles as that worker's home.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    import atexit
    import shutil

    # In memory-backed storage where there is some: a file, but without the disk's fsyncs.
    _TEST_DB_HOME = tempfile.mkdtemp(prefix="dueprocess-testdb-",
                                     dir="/dev/shm" if os.path.isdir("/dev/shm") else None)
    atexit.register(shutil.rmtree, _TEST_DB_HOME, ignore_errors=True)
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(_TEST_DB_HOME, "dueprocess.sqlite3")}
