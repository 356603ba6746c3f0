"""The ICWS session: one connection to a CIC server, one typed method per call the Dialer agent makes.

Lifecycle: ``UNOPENED`` --open()--> ``OPEN`` --close()--> ``CLOSED``. ``open()`` creates the connection
(keeping the session id, CSRF token and cookies) and sets the station when one is given; every other
call needs ``OPEN`` and raises ``RuntimeError`` otherwise. A failed ``open()`` leaves the session
``UNOPENED``; ``close()`` always leaves it ``CLOSED``.

Every HTTP call is reported exactly once to the observer as a ``RequestRecord`` named by its stable
endpoint name (``POST /dialer/log-in``), never by a session or user id, and a failure raises one of the
``IcwsError`` subclasses of ``botagent.icws._errors``.
"""

from __future__ import annotations

import enum
import json
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from os import PathLike
from time import perf_counter
from types import TracebackType
from typing import Any, Final, Self, TypeVar
from urllib.parse import quote, urlsplit

from botagent import __version__
from botagent.icws._alternates import next_alternate
from botagent.icws._bodies import (
    describe,
    ignore_body,
    is_json,
    model_reader,
    optional_model_reader,
    read_features,
    read_license_results,
    read_messages,
)
from botagent.icws._retry import NO_RETRY, RetryPolicy
from botagent.icws._transport import HttpxTransport, RawResponse, StreamResponse, Transport
from botagent.wire import (
    AsyncRequest,
    ConfigurationUser,
    ConnectionResponse,
    ConnectionStateResponse,
    Endpoint,
    FormDefinition,
    IcwsError,
    IcwsResponseValidationError,
    IcwsTransportError,
    LicenseOperationResult,
    Message,
    QueueType,
    ServiceUnavailable,
    StationSettings,
    StatusMessageList,
    SwitchoverStatus,
    UserStatus,
    status_error,
)

__all__ = ["RequestRecord", "Session", "SessionState"]

_ACCEPT: Final = "application/vnd.inin.icws+JSON"
_CONTENT_TYPE: Final = "application/vnd.inin.icws+JSON;charset=utf-8"
_CONNECTION_TYPE: Final = "urn:inin.com:connection:icAuthConnectionRequestSettings"
_USER_AGENT: Final = f"botagent/{__version__}"
_MAX_HOSTS: Final = 4
"""Most servers one ``open()`` tries: the base URL and up to three alternates (a pair has two)."""


_T = TypeVar("_T")


class SessionState(enum.Enum):
    """Where a ``Session`` is in its lifecycle."""

    UNOPENED = "unopened"
    OPEN = "open"
    CLOSED = "closed"


@dataclass(frozen=True, slots=True)
class RequestRecord:
    """One HTTP call as the observer sees it (the fields of a Locust ``request`` event).

    Attributes:
        name: the stable endpoint name, such as ``POST /dialer/log-in``.
        method: the HTTP method.
        status: the HTTP status, or None when no answer came.
        elapsed_ms: milliseconds from just before sending until the body was read (stream opens:
            until the headers arrived), or until those bytes arrived when ``arrival_stamped``.
        response_length: bytes of response body (0 for stream opens and failures without answer).
        error: the exception the call raised, or None on success.
        arrival_stamped: the time ends at the kernel's receive time of the answer, not at its read.
    """

    name: str
    method: str
    status: int | None
    elapsed_ms: float
    response_length: int
    error: IcwsError | None = None
    arrival_stamped: bool = False


Observer = Callable[[RequestRecord], None]


def _check_base_url(base_url: str) -> str:
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ValueError(f"base_url: must be an http:// or https:// URL with no query (got {base_url!r})")
    return base_url.rstrip("/")


def _parse_cookie(set_cookie: str) -> tuple[str, str | None]:
    """Return (name, value) of a ``Set-Cookie`` value; value None when it deletes the cookie."""
    pair, _, attributes = set_cookie.partition(";")
    name, _, value = pair.partition("=")
    expired = any(a.strip().lower() in ("max-age=0", "max-age=-1") for a in attributes.split(";"))
    return name.strip(), None if expired else value.strip()


class Session:
    """An ICWS session for one CIC user, with one typed method per ICWS call a Dialer agent makes.

    Args:
        base_url: server URL up to, not including, ``/icws`` (``https://cic.example.com:8019`` or a
            proxy prefix such as ``https://gateway/api/cic1``).
        user_id: the CIC user name.
        password: its password.
        application_name: sent as ``applicationName``; shows in CIC's session list.
        language: the ``Accept-Language`` of every call.
        station: station settings to log in with right after ``open()``; None for none.
        transport: HTTP transport, closed by ``close()`` as httpx closes its transport (so give each
            session its own); None builds an ``HttpxTransport``.
        timeout: seconds per request.
        retry: when a failed call is sent again (every attempt is reported to the observer);
            by default never.
        observer: called once per HTTP call with its ``RequestRecord``.
        verify: check the server certificate (only used when the session builds its transport).
        ca_bundle: PEM file of CAs to trust (only used when the session builds its transport).
        alternate_hosts: servers to try, in order, when the connection request to ``base_url`` gets
            no answer (a switchover pair's other server, as an earlier ``alternateHostList`` named it).

    Raises:
        ValueError: ``base_url``, ``user_id`` or ``timeout`` is invalid.
    """

    def __init__(
        self,
        base_url: str,
        *,
        user_id: str,
        password: str,
        application_name: str = "botagent",
        language: str = "en-US",
        station: StationSettings | None = None,
        transport: Transport | None = None,
        timeout: float = 10.0,
        retry: RetryPolicy = NO_RETRY,
        observer: Observer | None = None,
        verify: bool = True,
        ca_bundle: str | PathLike[str] | None = None,
        alternate_hosts: Iterable[str] = (),
    ) -> None:
        if not user_id:
            raise ValueError("user_id: must not be empty")
        if not timeout > 0:
            raise ValueError(f"timeout: must be a positive number of seconds (got {timeout!r})")
        self._base_url = _check_base_url(base_url)
        self._alternate_hosts = tuple(alternate_hosts)
        self._user_id = user_id
        self._password = password
        self._application_name = application_name
        self._language = language
        self._station = station
        self._transport: Transport = transport or HttpxTransport(verify=verify, ca_bundle=ca_bundle)
        self._timeout = timeout
        self._retry = retry
        self._observer = observer
        self._status_path = f"/status/user-statuses/{quote(user_id, safe='')}"
        self._state = SessionState.UNOPENED
        self._last_status: int | None = None
        self._reset()

    def _reset(self) -> None:
        self._connection: ConnectionResponse | None = None
        self._csrf_token = ""
        self._session_url = ""
        self._cookies: dict[str, str] = {}
        self._headers: dict[str, str] = {}
        self._message_headers: dict[str, str] = {}

    # --- lifecycle ---------------------------------------------------------------------------------

    @property
    def state(self) -> SessionState:
        """The lifecycle state."""
        return self._state

    @property
    def last_status(self) -> int | None:
        """The HTTP status of the last call that returned normally; None before the first.

        Read it right after the call it belongs to: calls made later on this session (such as the
        message reader's polls, in another greenlet) replace it.
        """
        return self._last_status

    @property
    def base_url(self) -> str:
        """The server this session talks to: the constructor's, or the alternate host that took the
        connection request."""
        return self._base_url

    @property
    def user_id(self) -> str:
        """The CIC user name this session logs in as."""
        return self._user_id

    @property
    def connection(self) -> ConnectionResponse | None:
        """The connection response of ``open()`` (session id, features, ...), None before."""
        return self._connection

    @property
    def session_id(self) -> str | None:
        """The ICWS session id, None before ``open()``."""
        return self._connection.session_id if self._connection else None

    def features(self) -> dict[str, int]:
        """The server's feature versions, feature id -> version (official Versioning page).

        Taken from the connection response when it listed them (``open()`` asks with
        ``include=features``), else from ``GET /connection/features``. A feature the server does not
        list is one it does not support.

        Raises:
            RuntimeError: the session is not OPEN.
            IcwsError: the features GET failed.
        """
        self._require_open()
        listed = self._connection.features if self._connection else None
        if listed is None:
            url = f"{self._base_url}/icws/connection/features"
            headers = self._message_headers
            listed = self._exchange(Endpoint.FEATURES, "GET", url, headers, None, read_features)
        return {feature.feature_id: feature.version for feature in listed}

    @property
    def supports_event_stream(self) -> bool:
        """True when the server lists the ``messaging`` feature at version 2 or higher (SSE)."""
        version = self._connection.feature_version("messaging") if self._connection else None
        return version is not None and version >= 2

    def __enter__(self) -> Self:
        if self._state is SessionState.UNOPENED:
            self.open()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if exc is None:
            self.close()
            return
        try:
            self.close()
        except IcwsError:
            pass  # the exception already propagating says more

    def open(self) -> ConnectionResponse:
        """Create the ICWS connection, then set the station when one was given.

        Returns:
            The connection response (``sessionId``, ``csrfToken``, ``features``, ...).

        Raises:
            RuntimeError: the session is not UNOPENED.
            IcwsError: creating the connection or setting the station failed. The session stays
                UNOPENED; a connection created before a station failure is deleted again.
        """
        if self._state is not SessionState.UNOPENED:
            raise RuntimeError(f"open() needs an UNOPENED session; this one is {self._state.name}")
        self._reset()
        body = {
            "__type": _CONNECTION_TYPE,
            "applicationName": self._application_name,
            "userID": self._user_id,
            "password": self._password,
        }
        connection = self._connect(body)
        self._start(connection)
        if self._station is not None:
            self._set_station_or_undo(self._station)
        return connection

    def close(self) -> None:
        """Delete the ICWS connection and close the transport.

        Idempotent: closing a CLOSED session does nothing, closing an UNOPENED one sends nothing.

        Raises:
            IcwsError: the DELETE failed; the session is CLOSED all the same.
        """
        if self._state is SessionState.CLOSED:
            return
        try:
            if self._state is SessionState.OPEN:
                self._call(Endpoint.DISCONNECT, "DELETE", "/connection")
        finally:
            self._state = SessionState.CLOSED
            self._transport.close()

    def _connect(self, body: Mapping[str, Any]) -> ConnectionResponse:
        """``POST /icws/connection``, following the servers a switchover pair names.

        A 503 with ``alternateHostList`` sends the request to the first host listed that was not tried
        yet (seed reference 1.1); no answer at all tries the next of ``alternate_hosts``. The host that
        creates the session becomes ``base_url`` for the session's later requests. At most
        ``_MAX_HOSTS`` servers are tried; the last failure is raised.
        """
        headers = {"Accept": _ACCEPT, "Content-Type": _CONTENT_TYPE, "Accept-Language": self._language}
        headers["User-Agent"] = _USER_AGENT
        tried = [self._base_url]
        while True:
            url = f"{self._base_url}/icws/connection?include=features,effective-station"
            try:
                return self._exchange(Endpoint.CONNECT, "POST", url, headers, body, self._read_connection)
            except ServiceUnavailable as exc:
                following = next_alternate(self._base_url, exc.alternate_hosts, tried)
                if following is None or len(tried) >= _MAX_HOSTS:
                    raise
            except IcwsTransportError:
                following = next_alternate(self._base_url, self._alternate_hosts, tried)
                if following is None or len(tried) >= _MAX_HOSTS:
                    raise
            tried.append(following)
            self._base_url = following

    def abandon(self) -> None:
        """Forget a session the server has dropped (a 401 or 410, as after a switchover): CLOSED, and
        the transport closed, without sending the ``DELETE`` it would refuse. Idempotent."""
        self._state = SessionState.CLOSED
        self._transport.close()

    def _read_connection(self, response: RawResponse) -> ConnectionResponse:
        data = json.loads(response.body) if is_json(response) else {}
        if not isinstance(data, dict):
            raise ValueError("body is not a JSON object")
        for field, header in (("sessionId", "ININ-ICWS-Session-ID"), ("csrfToken", "ININ-ICWS-CSRF-Token")):
            if header in response.headers:
                data[field] = response.headers[header]
        return ConnectionResponse.model_validate(data)

    def _start(self, connection: ConnectionResponse) -> None:
        self._connection = connection
        self._csrf_token = connection.csrf_token
        self._session_url = f"{self._base_url}/icws/{quote(connection.session_id, safe='')}"
        self._build_headers()
        self._state = SessionState.OPEN

    def _set_station_or_undo(self, station: StationSettings) -> None:
        try:
            self.set_station(station)
        except IcwsError:
            try:
                self._call(Endpoint.DISCONNECT, "DELETE", "/connection")
            except IcwsError:
                pass  # the station error is the one to report
            finally:
                self._state = SessionState.UNOPENED
                self._reset()
            raise

    # --- connection and messaging --------------------------------------------------------------------

    def connection_state(self) -> ConnectionStateResponse:
        """``GET connection``: whether the server still considers the connection up."""
        return self._fetch(
            Endpoint.CONNECTION_STATE, "GET", "/connection", model_reader(ConnectionStateResponse)
        )

    def switchover_status(self) -> SwitchoverStatus:
        """``GET connection/switchover-status``: whether the server is one of a switchover pair, and
        its primary and backup host (official switchover-status page, connection 11)."""
        path = "/connection/switchover-status"
        return self._fetch(Endpoint.SWITCHOVER_STATUS, "GET", path, model_reader(SwitchoverStatus))

    def set_station(self, station: StationSettings) -> None:
        """``PUT connection/station``: log the session in to a station (workstation, remote number, none)."""
        self._call(Endpoint.SET_STATION, "PUT", "/connection/station", station.to_wire())

    def heartbeat(self) -> None:
        """``POST messaging/heartbeat``: keep the session alive."""
        self._call(Endpoint.HEARTBEAT, "POST", "/messaging/heartbeat")

    def poll_messages(self) -> list[Message]:
        """``GET messaging/messages``: take the messages queued for the session (short poll).

        Returns:
            The messages, oldest first; empty when none are queued.
        """
        self._require_open()
        url = self._session_url + "/messaging/messages"
        return self._exchange(Endpoint.POLL_MESSAGES, "GET", url, self._message_headers, None, read_messages)

    # --- licences --------------------------------------------------------------------------------------

    def acquire_licenses(self, license_names: Iterable[str]) -> list[LicenseOperationResult]:
        """``POST licenses``: acquire licences for the session user, adding to any already held.

        A licence the server does not know or has not assigned to the user is simply not acquired: check
        each result's ``is_available`` (official licenses page).

        Returns:
            One result per licence, in the server's order.

        Raises:
            ValueError: no licence named (``licenseList`` is ``List [1,*]``).
            IcwsError: the request failed.
        """
        names = list(license_names)
        if not names:
            raise ValueError("license_names: name at least one licence")
        body = {"licenseList": names}
        return self._fetch(Endpoint.ACQUIRE_LICENSES, "POST", "/licenses", read_license_results, body)

    # --- status ----------------------------------------------------------------------------------------

    def set_status(self, status_id: str, notes: str | None = None) -> AsyncRequest | None:
        """``PUT status/user-statuses/{userId}``: change the user's status (``Available`` to take calls).

        Returns:
            The ``{requestId}`` of a 202 answer (completion arrives as asyncOperationCompletedMessage),
            or None when the server answered without a body.
        """
        body = {"statusId": status_id} if notes is None else {"statusId": status_id, "notes": notes}
        return self._fetch(
            Endpoint.SET_STATUS, "PUT", self._status_path, optional_model_reader(AsyncRequest), body
        )

    def get_status(self) -> UserStatus:
        """``GET status/user-statuses/{userId}``: the user's current status."""
        return self._fetch(Endpoint.GET_STATUS, "GET", self._status_path, model_reader(UserStatus))

    def status_messages(self) -> StatusMessageList:
        """``GET status/status-messages``: the statuses the user may choose from."""
        path = "/status/status-messages"
        return self._fetch(Endpoint.STATUS_MESSAGES, "GET", path, model_reader(StatusMessageList))

    # --- queues, interactions and configuration ---------------------------------------------------

    def subscribe_user_queue(self, subscription_id: str, attribute_names: Iterable[str]) -> None:
        """``PUT messaging/subscriptions/queues/{subscriptionId}``: watch the session user's own queue.

        Changes arrive as ``urn:inin.com:queues:queueContentsMessage`` carrying ``attribute_names``
        (official queue subscription page: queue type 1 is a user's queue, ``attributeNames`` is
        required).
        """
        body = {
            "queueIds": [{"queueType": QueueType.USER.value, "queueName": self._user_id}],
            "attributeNames": list(attribute_names),
        }
        path = f"/messaging/subscriptions/queues/{quote(subscription_id, safe='')}"
        self._call(Endpoint.SUBSCRIBE_QUEUES, "PUT", path, body)

    def disconnect_interaction(self, interaction_id: str) -> None:
        """``POST interactions/{interactionId}/disconnect``: hang up one interaction (a Dialer call)."""
        path = f"/interactions/{quote(interaction_id, safe='')}/disconnect"
        self._call(Endpoint.DISCONNECT_INTERACTION, "POST", path)

    def pickup_interaction(self, interaction_id: str) -> None:
        """``POST interactions/{interactionId}/pickup``: answer an interaction alerting on the user's
        queue (an inbound ACD interaction of a blended agent, R33)."""
        path = f"/interactions/{quote(interaction_id, safe='')}/pickup"
        self._call(Endpoint.PICKUP_INTERACTION, "POST", path)

    def configuration_user(self, select: str = "securityRights") -> ConfigurationUser:
        """``GET configuration/users/{userId}``: the session user's configuration, with its own rights.

        ``rightsFilter=loggedInUser`` asks for the rights that apply to the logged-in user, as
        production Dialer agent pages do to learn the Logon Campaign right.
        """
        user = quote(self._user_id, safe="")
        path = f"/configuration/users/{user}?select={quote(select, safe=',*')}&rightsFilter=loggedInUser"
        return self._fetch(Endpoint.CONFIGURATION_USER, "GET", path, model_reader(ConfigurationUser))

    # --- Dialer ----------------------------------------------------------------------------------------

    def dialer_log_in(self, campaign_id: str | None = None) -> None:
        """``POST dialer/log-in``: log in to Dialer, or to one campaign when ``campaign_id`` is given."""
        body = {} if campaign_id is None else {"campaignId": campaign_id}
        self._call(Endpoint.DIALER_LOG_IN, "POST", "/dialer/log-in", body)

    def dialer_log_off(self, campaign_ids: Iterable[str] = ()) -> None:
        """``POST dialer/log-off``: leave the given campaigns; no campaigns means all of Dialer.

        A global log-off sends ``{}``: ``campaignIds`` is ``List [1,*]``, left out to log off all of
        Dialer (official log-off page). The logoff is granted later by a logoutGrantedMessage.
        """
        ids = list(campaign_ids)
        body = {"campaignIds": ids} if ids else {}
        self._call(Endpoint.DIALER_LOG_OFF, "POST", "/dialer/log-off", body)

    def ready_for_calls(self, campaign_ids: Iterable[str] | None = None) -> None:
        """``POST dialer/ready-for-calls``: the agent takes calls (in all its campaigns when None)."""
        body = {} if campaign_ids is None else {"campaignIds": list(campaign_ids)}
        self._call(Endpoint.READY_FOR_CALLS, "POST", "/dialer/ready-for-calls", body)

    def request_break(self) -> None:
        """``POST dialer/request-break``: ask for a break, granted later by a breakStatusMessage."""
        self._call(Endpoint.REQUEST_BREAK, "POST", "/dialer/request-break")

    def end_break(self) -> None:
        """``POST dialer/end-break``: end the break (granted at once)."""
        self._call(Endpoint.END_BREAK, "POST", "/dialer/end-break")

    def place_preview_call(
        self, call_attributes: Mapping[str, str] | None = None, *, call_initiated_by_timer: bool | None = None
    ) -> None:
        """``POST dialer/place-preview-call``: dial the current preview call."""
        body: dict[str, Any] = {}
        if call_initiated_by_timer is not None:
            body["callInitiatedByTimer"] = call_initiated_by_timer
        if call_attributes is not None:
            body["callAttributes"] = dict(call_attributes)
        self._call(Endpoint.PLACE_PREVIEW_CALL, "POST", "/dialer/place-preview-call", body)

    def disposition(
        self,
        label: str,
        scheduled_time: int | None = None,
        scheduled_agent: str | None = None,
        *,
        relative_to: int | None = None,
        place_additional_follow_up_call: bool | None = None,
        call_attributes: Mapping[str, str] | None = None,
        is_abandon: bool | None = None,
    ) -> None:
        """``POST dialer/disposition``: finish the current call with one of its disposition labels.

        Args:
            label: a label from the call's ``dispositions``.
            scheduled_time: reschedule at this time, seconds since the epoch, UTC.
            scheduled_agent: the CIC user name to own the rescheduled call.
            relative_to: time-zone basis of the schedule (``RelativeTo``).
            place_additional_follow_up_call, call_attributes, is_abandon: as in the ICWS body.
        """
        body: dict[str, Any] = {"label": label}
        optional = (
            ("scheduledTime", scheduled_time),
            ("scheduledAgent", scheduled_agent),
            ("relativeTo", None if relative_to is None else int(relative_to)),
            ("placeAdditionalFollowUpCall", place_additional_follow_up_call),
            ("callAttributes", None if call_attributes is None else dict(call_attributes)),
            ("isAbandon", is_abandon),
        )
        body.update((key, value) for key, value in optional if value is not None)
        self._call(Endpoint.DISPOSITION, "POST", "/dialer/disposition", body)

    def request_form_definition(self, campaign_id: str | None = None) -> FormDefinition:
        """``POST dialer/request-form-definition``: the campaign's agent form."""
        body = {} if campaign_id is None else {"campaignId": campaign_id}
        path = "/dialer/request-form-definition"
        return self._fetch(Endpoint.REQUEST_FORM_DEFINITION, "POST", path, model_reader(FormDefinition), body)

    # --- the one path every call takes -------------------------------------------------------------

    def _require_open(self) -> None:
        if self._state is SessionState.UNOPENED:
            raise RuntimeError("this ICWS session is not open yet; call open() first")
        if self._state is SessionState.CLOSED:
            raise RuntimeError("this ICWS session is CLOSED; open a new Session")

    def _call(self, name: Endpoint, method: str, path: str, body: Mapping[str, Any] | None = None) -> None:
        self._require_open()
        self._exchange(name, method, self._session_url + path, self._headers, body, ignore_body)

    def _fetch(
        self,
        name: Endpoint,
        method: str,
        path: str,
        reader: Callable[[RawResponse], _T],
        body: Mapping[str, Any] | None = None,
    ) -> _T:
        self._require_open()
        return self._exchange(name, method, self._session_url + path, self._headers, body, reader)

    def _exchange(
        self,
        name: Endpoint,
        method: str,
        url: str,
        headers: Mapping[str, str],
        body: Mapping[str, Any] | None,
        reader: Callable[[RawResponse], _T],
    ) -> _T:
        payload = None if body is None else json.dumps(body, separators=(",", ":")).encode()
        response = self._send_with_retries(name, method, url, headers, payload)
        try:
            result = reader(response)
        except ValueError as exc:
            error = IcwsResponseValidationError(describe(exc), endpoint=name)
            self._report_answer(name, method, response, error)
            raise error from exc
        self._report_answer(name, method, response, None)
        self._last_status = response.status
        return result

    def _send_with_retries(
        self, name: Endpoint, method: str, url: str, headers: Mapping[str, str], payload: bytes | None
    ) -> RawResponse:
        attempt = 1
        while True:
            try:
                return self._send(name, method, url, headers, payload)
            except IcwsError as exc:
                delay = self._retry.delay(name, exc, attempt)
                if delay is None:
                    raise
            time.sleep(delay)  # looked up per call: gevent patches time.sleep under Locust
            attempt += 1

    def _send(
        self, name: Endpoint, method: str, url: str, headers: Mapping[str, str], payload: bytes | None
    ) -> RawResponse:
        """Send, keep cookies, and report and raise every failure but a body that does not fit."""
        start = perf_counter()
        try:
            response = self._transport.request(method, url, headers, payload, self._timeout)
        except IcwsError as exc:
            exc.endpoint = exc.endpoint or name
            self._report(name, method, None, (perf_counter() - start) * 1000.0, 0, exc)
            raise
        if "set-cookie" in response.headers:
            self._keep_cookies(response.headers.get_list("set-cookie"))
        if not 200 <= response.status < 300:
            error = status_error(name, response.status, response.body, response.headers)
            self._report_answer(name, method, response, error)
            raise error
        return response

    def _report(
        self,
        name: Endpoint,
        method: str,
        status: int | None,
        elapsed_ms: float,
        length: int,
        error: IcwsError | None,
        arrival_stamped: bool = False,
    ) -> None:
        if self._observer is not None:
            record = RequestRecord(name.value, method, status, elapsed_ms, length, error, arrival_stamped)
            self._observer(record)

    def _report_answer(
        self, name: Endpoint, method: str, response: RawResponse, error: IcwsError | None
    ) -> None:
        self._report(
            name,
            method,
            response.status,
            response.elapsed_ms,
            len(response.body),
            error,
            response.arrival_stamped,
        )

    def _keep_cookies(self, set_cookies: list[str]) -> None:
        for set_cookie in set_cookies:
            name, value = _parse_cookie(set_cookie)
            if value is None:
                self._cookies.pop(name, None)
            elif name:
                self._cookies[name] = value
        if self._state is SessionState.OPEN:
            self._build_headers()

    def _build_headers(self) -> None:
        common = {"Accept": _ACCEPT, "Accept-Language": self._language, "User-Agent": _USER_AGENT}
        if self._cookies:
            common["Cookie"] = "; ".join(f"{name}={value}" for name, value in self._cookies.items())
        self._message_headers = common
        self._headers = {**common, "Content-Type": _CONTENT_TYPE, "ININ-ICWS-CSRF-Token": self._csrf_token}

    # --- server-sent events (used by SseSource) ---------------------------------------------------

    @contextmanager
    def _open_event_stream(
        self, read_timeout: float | None, last_event_id: str | None
    ) -> Iterator[StreamResponse]:
        """Open ``GET messaging/messages`` as an event stream, reported once as its opening.

        Raises:
            RuntimeError: the session is not OPEN.
            IcwsError: no stream: a transport failure, a non-2xx status, or an answer that is not
                ``text/event-stream``.
        """
        self._require_open()
        headers = {**self._message_headers, "Accept": "text/event-stream", "Cache-Control": "no-cache"}
        headers["Accept-Encoding"] = "identity"
        if last_event_id:
            headers["Last-Event-ID"] = last_event_id
        url = self._session_url + "/messaging/messages"
        with ExitStack() as stack:
            stream = self._enter_stream(stack, url, headers, read_timeout)
            self._check_stream(stream)
            yield stream

    def _enter_stream(
        self, stack: ExitStack, url: str, headers: Mapping[str, str], read_timeout: float | None
    ) -> StreamResponse:
        start = perf_counter()
        try:
            return stack.enter_context(self._transport.stream("GET", url, headers, read_timeout))
        except IcwsError as exc:
            exc.endpoint = exc.endpoint or Endpoint.OPEN_EVENT_STREAM
            self._report(Endpoint.OPEN_EVENT_STREAM, "GET", None, (perf_counter() - start) * 1000.0, 0, exc)
            raise

    def _check_stream(self, stream: StreamResponse) -> None:
        error: IcwsError | None = None
        body = b""
        if not 200 <= stream.status < 300:
            body = stream.read()
            error = status_error(Endpoint.OPEN_EVENT_STREAM, stream.status, body, stream.headers)
        elif not stream.headers.get("content-type", "").lower().startswith("text/event-stream"):
            error = IcwsResponseValidationError(
                f"expected text/event-stream, got {stream.headers.get('content-type', 'no content type')!r}",
                endpoint=Endpoint.OPEN_EVENT_STREAM,
            )
        self._report(
            Endpoint.OPEN_EVENT_STREAM,
            "GET",
            stream.status,
            stream.elapsed_ms,
            len(body),
            error,
            stream.arrival_stamped,
        )
        if error is not None:
            raise error
