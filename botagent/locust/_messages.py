"""The reader greenlet of an agent: carries the session's messages into the agent's inbox.

A broken event stream is reopened (the server keeps the session's queue, so nothing is missed) after a
short, growing pause; after `MAX_FAILURES` failures in a row the reader asks the agent to stop, naming
the error. When the session itself is lost the reader tells the agent at once (`SessionLost`), and the
agent starts over on a new session.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import gevent

from botagent.agent import Event, MessageReceived, SessionLost, StopRequested
from botagent.icws import (
    IcwsError,
    PollingSource,
    SessionExpired,
    SessionGone,
    SseSource,
    open_message_source,
)
from botagent.icws import Session as IcwsSession
from botagent.locust._driver import MessageReader
from botagent.profile import Messaging

__all__ = ["MAX_FAILURES", "message_reader"]

logger = logging.getLogger(__name__)

MAX_FAILURES = 5
FIRST_PAUSE = 0.2


def message_reader(
    messaging: Messaging, agent: str, on_failure: Callable[[IcwsError], None]
) -> MessageReader:
    """The message loop for one agent, by the profile's messaging mode (SSE when offered, or polls).

    Args:
        messaging: the profile's messaging settings.
        agent: the agent's name, for logs.
        on_failure: told of the error that made the reader give up, before it asks the agent to stop
            (a lost session is not such an error: the agent reports it itself).
    """

    def read_messages(session: IcwsSession, deliver: Callable[[Event], None]) -> None:
        source: SseSource | PollingSource
        if messaging.mode == "poll":
            source = PollingSource(session, messaging.poll_interval)
        else:
            source = open_message_source(session, poll_interval=messaging.poll_interval)
        try:
            _pump(source, deliver, agent, on_failure)
        finally:
            source.close()

    return read_messages


def _pump(
    source: SseSource | PollingSource,
    deliver: Callable[[Event], None],
    agent: str,
    on_failure: Callable[[IcwsError], None],
) -> None:
    failures = 0
    while not source.closed:
        try:
            batch = source.next_batch()
        except (SessionExpired, SessionGone) as exc:
            deliver(SessionLost(status=exc.status, error_id=exc.error_id, message=str(exc)))
            return
        except IcwsError as exc:
            failures += 1
            if failures >= MAX_FAILURES:
                on_failure(exc)
                deliver(StopRequested(reason=f"message stream failed {failures} times: {exc}"))
                return
            logger.info("%s: message stream broke (%s); reopening", agent, exc)
            gevent.sleep(FIRST_PAUSE * 2**failures)
            continue
        failures = 0
        for message in batch:
            deliver(MessageReceived(message=message))
