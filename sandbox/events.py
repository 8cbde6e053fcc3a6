"""What a sandbox tells whoever watches it: a warm pool replaced its warm process.

The sandbox is a leaf and imports no other app, so it cannot feed metrics itself; an observer
(the monitoring app, at start) adds a listener here. Listeners must be quick and must not raise;
one that does is logged and the sandbox goes on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

logger = logging.getLogger(__name__)

WarmRestartListener = Callable[[str], None]
_warm_restart_listeners: list[WarmRestartListener] = []


def on_warm_restart(listener: WarmRestartListener) -> None:
    """Call `listener(backend)` each time a warm pool replaces its warm process ("bwrap": a
    zygote that stopped answering, "docker": a warm container that died or failed its job)."""
    if listener not in _warm_restart_listeners:
        _warm_restart_listeners.append(listener)


def warm_restarted(backend: str) -> None:
    for listener in list(_warm_restart_listeners):
        try:
            listener(backend)
        except Exception:  # an observer's bug must not fail a grading
            logger.exception("a warm-restart listener failed")
