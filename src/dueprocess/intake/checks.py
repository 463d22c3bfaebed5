"""Deploy checks for intake: limits that only hold when their counters are shared."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register


@register(Tags.security, deploy=True)
def shared_rate_limits(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if settings.DUEPROCESS.cache_url:
        return []
    return [Warning(
        "Rate limits are counted per web process: with several processes (dueprocess serve "
        "runs two by default) a token gets that many times its allowance.",
        hint="Set DUEPROCESS_CACHE_URL=redis://host:6379/0 so every process shares the "
             "counters.",
        id="dueprocess.W001",
    )]
