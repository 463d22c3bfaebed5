"""A demo connector that stalls right after acting on one chosen account, so a test can
kill the worker at the worst moment: the platform acted, dueprocess has not recorded it.

Selected in a worker process with ``DUEPROCESS_CONNECTOR=tests.execution.slow_connector:
SlowDemoConnector``; the account and a marker file come from the environment.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from dueprocess.demo.connector import DemoConnector


class SlowDemoConnector(DemoConnector):
    def restrict_account(self, account: str, measure: str, *, key: str) -> dict[str, Any]:
        result = super().restrict_account(account, measure, key=key)
        marker = os.environ.get("DP_TEST_SLOW_MARKER", "")
        if marker and account == os.environ.get("DP_TEST_SLOW_ACCOUNT") and \
                not Path(marker).exists():
            Path(marker).write_text(key)
            time.sleep(300)  # killed long before this ends
        return result
