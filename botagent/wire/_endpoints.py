"""The one table of ICWS endpoint names, shared by the client, the agent and the mock.

A name is ``METHOD /path`` with the ``/icws/{sessionId}`` prefix and every id left out ("POST
/dialer/log-in"). It keys Locust's request rows, thresholds, retry rules, the mock's counters, timings
and fault filters, so it never contains an id. The messaging GET that opens a server-sent event stream
is ``GET /messaging/messages (sse)``, apart from the short poll on the same path.
"""

from __future__ import annotations

import enum
from typing import Final

__all__ = ["CLIENT_ENDPOINTS", "DIALER_ENDPOINTS", "Endpoint"]


class Endpoint(enum.StrEnum):
    """Every ICWS endpoint botagent calls or serves, by its stable name."""

    CONNECT = "POST /connection"
    CONNECTION_STATE = "GET /connection"
    DISCONNECT = "DELETE /connection"
    VERSION = "GET /connection/version"
    FEATURES = "GET /connection/features"
    FEATURE = "GET /connection/features (one)"
    """``GET /icws/connection/features/{featureId}``: the version of one feature."""
    SERVER_TIME = "GET /connection/server-time"
    SERVER_INFO = "GET /connection/server-info"
    SWITCHOVER_STATUS = "GET /connection/switchover-status"
    ACQUIRE_LICENSES = "POST /licenses"
    """``POST /icws/{sessionId}/licenses``: acquire licences for the session user (licenses 1)."""
    SET_STATION = "PUT /connection/station"
    GET_STATION = "GET /connection/station"
    CLEAR_STATION = "DELETE /connection/station"
    POLL_MESSAGES = "GET /messaging/messages"
    OPEN_EVENT_STREAM = "GET /messaging/messages (sse)"
    HEARTBEAT = "POST /messaging/heartbeat"
    SUBSCRIBE_USER_STATUSES = "PUT /messaging/subscriptions/status/user-statuses"
    UNSUBSCRIBE_USER_STATUSES = "DELETE /messaging/subscriptions/status/user-statuses"
    SUBSCRIBE_QUEUES = "PUT /messaging/subscriptions/queues"
    UNSUBSCRIBE_QUEUES = "DELETE /messaging/subscriptions/queues"
    DISCONNECT_INTERACTION = "POST /interactions/disconnect"
    """``POST /icws/{sessionId}/interactions/{interactionId}/disconnect``: hang up one interaction."""
    PICKUP_INTERACTION = "POST /interactions/pickup"
    """``POST /icws/{sessionId}/interactions/{interactionId}/pickup``: answer an alerting interaction."""
    CONFIGURATION_USER = "GET /configuration/users"
    """``GET /icws/{sessionId}/configuration/users/{userId}``: one configuration user."""
    SET_STATUS = "PUT /status/user-statuses"
    GET_STATUS = "GET /status/user-statuses"
    STATUS_MESSAGES = "GET /status/status-messages"
    DIALER_LOG_IN = "POST /dialer/log-in"
    DIALER_LOG_OFF = "POST /dialer/log-off"
    READY_FOR_CALLS = "POST /dialer/ready-for-calls"
    REQUEST_BREAK = "POST /dialer/request-break"
    END_BREAK = "POST /dialer/end-break"
    PLACE_PREVIEW_CALL = "POST /dialer/place-preview-call"
    DISPOSITION = "POST /dialer/disposition"
    REQUEST_FORM_DEFINITION = "POST /dialer/request-form-definition"
    UPDATE_CALL_DATA = "POST /dialer/update-call-data"
    ESTABLISH_PERSISTENT_CONNECTION = "POST /dialer/establish-persistent-connection"
    DIALER_UNKNOWN = "POST /dialer/(unknown)"
    """Any other ``POST /dialer/...`` call: a Dialer request the mock does not simulate."""

    @property
    def method(self) -> str:
        """The HTTP method, such as ``POST``."""
        return self.value.split(" ", 1)[0]

    @property
    def path(self) -> str:
        """The path after ``/icws/{sessionId}`` (or after ``/icws`` for calls without a session)."""
        return self.value.split(" ", 2)[1]


CLIENT_ENDPOINTS: Final = (
    Endpoint.CONNECT,
    Endpoint.CONNECTION_STATE,
    Endpoint.DISCONNECT,
    Endpoint.SWITCHOVER_STATUS,
    Endpoint.SET_STATION,
    Endpoint.ACQUIRE_LICENSES,
    Endpoint.POLL_MESSAGES,
    Endpoint.OPEN_EVENT_STREAM,
    Endpoint.HEARTBEAT,
    Endpoint.SUBSCRIBE_QUEUES,
    Endpoint.DISCONNECT_INTERACTION,
    Endpoint.PICKUP_INTERACTION,
    Endpoint.CONFIGURATION_USER,
    Endpoint.SET_STATUS,
    Endpoint.GET_STATUS,
    Endpoint.STATUS_MESSAGES,
    Endpoint.DIALER_LOG_IN,
    Endpoint.READY_FOR_CALLS,
    Endpoint.REQUEST_BREAK,
    Endpoint.END_BREAK,
    Endpoint.PLACE_PREVIEW_CALL,
    Endpoint.DISPOSITION,
    Endpoint.DIALER_LOG_OFF,
    Endpoint.REQUEST_FORM_DEFINITION,
)
"""The endpoints the bot's session calls: the names its Locust rows and thresholds use."""

DIALER_ENDPOINTS: Final = tuple(
    endpoint
    for endpoint in Endpoint
    if endpoint.path.startswith("/dialer/") and endpoint is not Endpoint.DIALER_UNKNOWN
)
"""The Dialer calls (``POST /dialer/<name>``) the mock simulates."""
