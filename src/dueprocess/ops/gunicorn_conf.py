"""Gunicorn hooks for ``dueprocess serve``: a dead web process's request metrics are merged
into the shared ones instead of lingering as a live process's."""

from __future__ import annotations

import os
from typing import Any


def child_exit(server: Any, worker: Any) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
