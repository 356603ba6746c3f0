"""The reader greenlet of an agent: carries the session's messages into the agent's inbox.

A broken event stream is reopened (the server keeps the session's queue, so nothing is missed) after a
short, growing pause. The reader gives up, telling the agent with `ReaderFailed`, at once when the
session itself is lost (401/410), or after `MAX_FAILURES` failures in a row; the agent then reports the
step error, cleans up and starts over by its on-error policy (always, for a lost session).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import gevent

from botagent.agent import Event, MessageReceived, ReaderFailed
from botagent.icws import PollingSource, SseSource, open_message_source
from botagent.icws import Session as IcwsSession
from botagent.locust._driver import MessageReader
from botagent.profile import Messaging
from botagent.wire import IcwsError, IcwsStatusError, SessionExpired, SessionGone

__all__ = ["MAX_FAILURES", "message_reader"]

logger = logging.getLogger(__name__)

MAX_FAILURES = 5
FIRST_PAUSE = 0.2


def message_reader(messaging: Messaging, agent: str) -> MessageReader:
    """The message loop for one agent, by the profile's messaging mode (SSE when offered, or polls).

    Args:
        messaging: the profile's messaging settings.
        agent: the agent's name, for logs.
    """

    def read_messages(session: IcwsSession, deliver: Callable[[Event], None]) -> None:
        source: SseSource | PollingSource
        if messaging.mode == "poll":
            source = PollingSource(session, messaging.poll_interval)
        else:
            source = open_message_source(session, poll_interval=messaging.poll_interval)
        try:
            _pump(source, deliver, agent)
        finally:
            source.close()

    return read_messages


def _pump(source: SseSource | PollingSource, deliver: Callable[[Event], None], agent: str) -> None:
    failures = 0
    while not source.closed:
        try:
            batch = source.next_batch()
        except (SessionExpired, SessionGone) as exc:
            deliver(_failed(exc, str(exc)))
            return
        except IcwsError as exc:
            failures += 1
            if failures >= MAX_FAILURES:
                deliver(_failed(exc, f"the message stream failed {failures} times in a row: {exc}"))
                return
            logger.info("%s: message stream broke (%s); reopening", agent, exc)
            gevent.sleep(FIRST_PAUSE * 2**failures)
            continue
        failures = 0
        for message in batch:
            deliver(MessageReceived(message=message))


def _failed(error: IcwsError, message: str) -> ReaderFailed:
    if isinstance(error, IcwsStatusError):
        return ReaderFailed(status=error.status, error_id=error.error_id, message=message)
    return ReaderFailed(status=None, error_id=None, message=message)
