"""Test settings: the production settings in test mode, with a throwaway home."""

import os
import tempfile

os.environ["DUEPROCESS_MODE"] = "test"
os.environ.setdefault("DUEPROCESS_HOME", tempfile.mkdtemp(prefix="dueprocess-test-"))

from dueprocess.settings import *  # noqa: F403
