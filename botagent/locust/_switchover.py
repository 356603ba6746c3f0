"""A switchover of the embedded mock pair at a set time in the run (profile ``mock.switchover_at``).

The run controller (master or only process) calls `switch_over_later` in a greenlet when the test
starts; it asks the mock's control route ``POST /mock/switchover`` to switch the pair over, and
records the moment, which the summary matches against when each agent lost its session and when it
was ready for calls again.
"""

from __future__ import annotations

import logging
import time
import urllib.error
import urllib.request
from collections.abc import Callable

import gevent

__all__ = ["switch_over_later"]

logger = logging.getLogger(__name__)


def switch_over_later(url: str, delay: float, record: Callable[[float], None], timeout: float) -> None:
    """After ``delay`` seconds, switch the mock pair at ``url`` over and ``record`` when (epoch seconds).

    A mock that refuses or does not answer is logged as an error, and nothing is recorded.
    """
    gevent.sleep(delay)
    at = time.time()
    request = urllib.request.Request(f"{url.rstrip('/')}/mock/switchover", data=b"", method="POST")
    try:
        urllib.request.urlopen(request, timeout=timeout).close()
    except (OSError, urllib.error.HTTPError) as exc:
        logger.error("botagent: the mock did not switch over: %s", exc)
        return
    record(at)
    logger.info("botagent: the mock pair switched over")
