"""botagent.icws: the ICWS client: the session, its transports, message sources and retry policy.

The vocabulary it speaks (wire models, endpoint names, errors) is `botagent.wire`.
"""

from botagent.icws._client import RequestRecord, Session, SessionState
from botagent.icws._messages_source import MessageSource, PollingSource, SseSource, open_message_source
from botagent.icws._retry import NO_RETRY, REPEATABLE_ENDPOINTS, RetryPolicy
from botagent.icws._transport import (
    GeventTransport,
    HttpxTransport,
    RawResponse,
    ResponseHeaders,
    StreamResponse,
    Transport,
)

__all__ = [
    "GeventTransport",
    "HttpxTransport",
    "MessageSource",
    "NO_RETRY",
    "PollingSource",
    "REPEATABLE_ENDPOINTS",
    "RawResponse",
    "RequestRecord",
    "ResponseHeaders",
    "RetryPolicy",
    "Session",
    "SessionState",
    "SseSource",
    "StreamResponse",
    "Transport",
    "open_message_source",
]
