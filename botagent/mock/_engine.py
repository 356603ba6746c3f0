"""The simulated Interaction Dialer: sessions, statuses and Dialer calls, with no I/O at all.

Theory of operation
-------------------
``DialerEngine`` is a state machine in the manner of h11: requests come in as method calls with the
current time (``now``, epoch seconds), answers go out as return values or as messages queued on the
sessions, and nothing happens between calls. The engine never reads a clock, never sleeps and never
touches a socket; whoever drives it (the ASGI app, or a test with a virtual clock) owns time.

Time-driven work (a dial being answered, a preview call connecting, a callback falling due, a
session expiring) sits in one timer heap. The driver asks ``next_deadline()`` and calls
``advance(now)`` once that moment has passed; every request method also advances to its ``now``
first, so the order of events never depends on how promptly the driver woke up.

Each request method checks everything before it changes anything: a refused request raises
``EngineError`` (HTTP status, ICWS ``errorId``, message) and leaves the state exactly as it was. After
a successful change the engine paces the campaigns it touched (see ``_pacing.py``), which may reserve
agents, start dials or pop calls.

Messages for a session are JSON-ready dicts appended to ``session.queue``; ``take_messages`` hands
them over and empties the queue. ``take_woken()`` names the sessions that got messages (or closed)
since the last call, so a driver can wake exactly the streams that have something to send.

The call ledger (``ledger()``) records every call that reached an agent or was abandoned, and is
never trimmed; ``sessions_snapshot()`` shows who is logged in where.

Sessions of one user and one application name form one Dialer agent (official Dialer overview page:
"The API groups these sessions together, and they interact with Dialer as if they are one session"):
each of them may send Dialer requests, each gets every Dialer message, and the agent stays logged in to
Dialer until the last of them closes. The ``group_sessions_by_application`` knob turns grouping off.

Licences (``_licences.py``) are acquired for the session user from the scenario's pools and released
when the session ends, however it ends. Every Dialer request needs the user to hold the scenario's
Dialer licence (``behaviour.dialer_licence``) and answers 403 otherwise (official Dialer pages).

Blended agents (R33) also get inbound ACD interactions from the scenario's workgroups (``_acd.py``):
never while their Dialer agent holds a call or a reservation, and no Dialer call while they hold one.

Sessions end three ways. The client closes one (``close_session``) or lets it expire: later requests
with its id get 410, and a call it held stays as it was (lost, by the client's doing). Or the server
side loses it (``lose_session``, for a ``session_loss`` fault; ``restart`` for all of them): the id is
forgotten, so later requests get 401 as for an id never issued, and a call it held becomes
``orphaned``. ``peek`` checks a request's credentials without changing anything, so the fault
injector can learn the user before the request is handled.

Rules R1..R34 of the ICWS reference, as corrected by the official pages, are implemented in
``_dialer.py`` (agent requests) and ``_pacing.py`` (who gets which call, when); ``_campaigns.py``
starts and stops campaigns; this module holds sessions (R1), statuses (R4, R22, R27) and the clock.
"""

from __future__ import annotations

import base64
import itertools
import random
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from botagent.mock._acd import Acd
from botagent.mock._campaigns import CampaignControl
from botagent.mock._dialer import Dialer
from botagent.mock._errors import EngineError, ErrorIds
from botagent.mock._interactions import Interactions
from botagent.mock._pacing import Pacer
from botagent.mock._scenario import Scenario, StatusSpec
from botagent.mock._server_info import station_information
from botagent.mock._state import DialerAgent, ServerSession, UserState, World
from botagent.wire import (
    ASYNC_OPERATION_COMPLETED_MESSAGE,
    CampaignStatus,
    ConfigurationId,
    ConfigurationUser,
    DispositionRequest,
    FormDefinition,
    InheritedBoolean,
    LicenseOperationResults,
    LicenseRequest,
    LogInRequest,
    LogOffRequest,
    PlacePreviewCallRequest,
    QueueSubscriptionRequest,
    ReadyForCallsRequest,
    RequestFormDefinitionRequest,
    SecurityRights,
    StationInformation,
    StatusMessageDefinition,
    StatusMessageList,
    UpdateCallDataRequest,
    UserStatus,
    UserStatusMessage,
    UserStatusUpdate,
)

__all__ = ["DialerEngine", "completed_message"]

_FIRST_SESSION_ID = 54613001
_NO_DIALER_LICENSE = (
    "Neither the agent nor the station the agent is logged in to has a Dialer Add-on License available."
)
"""The 403 text of the Dialer endpoint pages (ready-for-calls, place-preview-call, ...)."""


class DialerEngine:
    """A pure, clock-driven simulation of an ICWS server running Interaction Dialer.

    Args:
        scenario: what to simulate; the default scenario when None.
        secrets: where CSRF tokens and cookie values come from; a system-seeded ``random.Random``
            by default, so a restarted mock never accepts an old session's credentials. The
            simulation itself draws from ``scenario.seed`` only.
    """

    def __init__(
        self,
        scenario: Scenario | None = None,
        *,
        secrets: random.Random | None = None,
        ledger_file: Path | None = None,
    ) -> None:
        self._secrets = secrets or random.Random()
        self._ledger_file = ledger_file
        self._next_session_id = _FIRST_SESSION_ID
        self._request_ids = itertools.count(1)
        self._lost: set[int] = set()
        """Ids of sessions that vanished (lost, or a restart): they answer 401, not 410."""
        self._build(scenario or Scenario())

    def _build(self, scenario: Scenario) -> None:
        previous: World | None = getattr(self, "_world", None)
        if previous is not None:
            previous.ledger.close()
        self._world = World(scenario, self._ledger_file)
        self._interactions = Interactions(self._world)
        self._pacer = Pacer(self._world, self._interactions)
        self._dialer = Dialer(self._world, self._pacer)
        self._campaigns = CampaignControl(self._world, self._pacer)
        self._acd = Acd(self._world, self._interactions, self._pacer)

    @property
    def scenario(self) -> Scenario:
        """The scenario being simulated."""
        return self._world.scenario

    def reset(self, scenario: Scenario | None = None) -> None:
        """Drop every session, call and timer and start over (with a new scenario when given).

        Session ids keep counting, and ids handed out before the reset answer 410 afterwards.
        """
        for session in self._world.sessions.values():
            session.open = False
        self._world.woken.update(self._world.sessions)
        woken = self._world.woken
        self._build(scenario or self._world.scenario)
        self._world.woken = woken

    # --- time ---------------------------------------------------------------------------------------

    def next_deadline(self) -> float | None:
        """Return when the earliest timer is due (epoch seconds), or None when nothing is scheduled."""
        return self._world.timers.next_deadline()

    def advance(self, now: float) -> None:
        """Run every timer due at or before ``now``, each at its own deadline, in deadline order."""
        timers = self._world.timers
        while (timer := timers.pop_due(now)) is not None:
            self._world.now = max(self._world.now, timer.when)
            timer.fire()
            self._acd.distribute(timer.when)
            self._pacer.pace_dirty(timer.when)
        self._world.now = max(self._world.now, now)

    def take_woken(self) -> set[str]:
        """Return and forget the ids of sessions that got messages or closed since the last call."""
        woken, self._world.woken = self._world.woken, set()
        return woken

    def _settle(self, now: float) -> None:
        self._acd.distribute(now)
        self._pacer.pace_dirty(now)
        self._world.ledger.sweep(now)

    # --- sessions (R1) -----------------------------------------------------------------------------

    def create_session(
        self, user_id: str, password: str, now: float, *, application_name: str = ""
    ) -> ServerSession:
        """Open a session for a user; it joins the Dialer agent of the user's sessions with the same
        ``application_name`` (a new agent when there is none, or when grouping is off).

        Raises:
            EngineError: 401 when the user is unknown or the password is wrong.
        """
        self.advance(now)
        spec = self.scenario.user_table.get(user_id)
        if spec is None or spec.password != password:
            raise EngineError(401, ErrorIds.AUTHENTICATION_FAILURE, "The user name or password is not valid.")
        user = self._world.user(user_id, now)
        assert user is not None
        rng = self._secrets
        session_id = str(self._next_session_id)
        self._next_session_id += 1
        csrf = base64.b64encode(rng.randbytes(24)).decode("ascii")
        cookie = f"{uuid.UUID(int=rng.getrandbits(128), version=4)}|languageId=en-us"
        agent = self._agent_for(user, application_name, session_id)
        session = ServerSession(
            session_id, user, agent, csrf, cookie, now, now, application_name=application_name
        )
        agent.sessions[session] = None
        self._world.sessions[session_id] = session
        self._arm_expiry(session, now + self.scenario.session_idle_expiry)
        self._acd.start(now)
        self._acd.session_opened(user)
        return session

    def _agent_for(self, user: UserState, application_name: str, session_id: str) -> DialerAgent:
        alone = "" if self.scenario.behaviour.group_sessions_by_application else session_id
        key = (user.user_id, application_name, alone)
        agent = self._world.agents.get(key)
        if agent is None:
            agent = self._world.agents[key] = DialerAgent(user=user, key=key)
        return agent

    def authenticate(
        self,
        session_id: str,
        *,
        csrf_token: str | None,
        cookie: str | None,
        now: float,
        require_csrf: bool = True,
    ) -> ServerSession:
        """Return the session a request names, after checking its CSRF token and cookie.

        Raises:
            EngineError: 410 for a session that was closed or expired; 401 for an id never issued (or
                lost on the server side), a missing or wrong CSRF token (when required) or a missing
                or wrong session cookie.
        """
        self.advance(now)
        session = self._world.sessions.get(session_id)
        if session is None:
            if self._gone(session_id):
                raise EngineError(
                    410, ErrorIds.SESSION_GONE, f"Session {session_id} is gone; create a new one."
                )
            raise EngineError(401, ErrorIds.INVALID_SESSION, f"Session '{session_id}' does not exist.")
        problem = _credentials_problem(session, csrf_token, cookie, require_csrf)
        if problem is not None:
            raise problem
        session.last_seen = now
        return session

    def peek(
        self, session_id: str, *, csrf_token: str | None, cookie: str | None, require_csrf: bool = True
    ) -> ServerSession | None:
        """Return the open session a request names when its credentials are right, else None.

        Unlike ``authenticate`` it changes nothing: no timer runs and the session's idle time goes on.
        """
        session = self._world.sessions.get(session_id)
        if session is None or _credentials_problem(session, csrf_token, cookie, require_csrf):
            return None
        return session

    def _live(self, session: ServerSession, now: float) -> ServerSession:
        self.advance(now)
        if not session.open:
            raise EngineError(
                410, ErrorIds.SESSION_GONE, f"Session {session.session_id} is gone; create a new one."
            )
        session.last_seen = now
        return session

    def _gone(self, session_id: str) -> bool:
        """The id was issued and its session closed, expired or reset (not lost): a 410, not a 401.

        Ids are issued in sequence, so only the lost ones need remembering, not every closed session.
        """
        if not (session_id.isascii() and session_id.isdigit()) or session_id.startswith("0"):
            return False
        number = int(session_id)
        return _FIRST_SESSION_ID <= number < self._next_session_id and number not in self._lost

    def _arm_expiry(self, session: ServerSession, when: float) -> None:
        session.expiry = self._world.timers.schedule(when, lambda at: self._check_expiry(session, at))

    def _check_expiry(self, session: ServerSession, now: float) -> None:
        if not session.open:
            return
        idle = self.scenario.session_idle_expiry
        if session.open_streams:
            self._arm_expiry(session, now + idle)
        elif session.last_seen + idle > now:
            self._arm_expiry(session, session.last_seen + idle)
        else:
            self._close(session)

    def close_session(self, session: ServerSession, now: float) -> None:
        """Close the session: log its agent out of Dialer, drop its subscriptions, end its streams."""
        self._live(session, now)
        self._close(session)
        self._settle(now)

    def _close(self, session: ServerSession, *, remember: bool = True) -> None:
        self._leave_group(session)
        self._world.licences.release(session.user.user_id, session.session_id)
        self._unwatch(session)
        self._acd.session_closed(session.user, self._world.now, lost=not remember)
        self._interactions.session_closed(session)
        session.open = False
        if session.expiry is not None:
            session.expiry.cancel()
        del self._world.sessions[session.session_id]
        if not remember:
            self._lost.add(int(session.session_id))
        self._world.woken.add(session.session_id)

    def _leave_group(self, session: ServerSession) -> None:
        agent = session.agent
        agent.sessions.pop(session, None)
        if not agent.sessions:
            self._dialer.leave(agent, notify=False)
            self._world.agents.pop(agent.key, None)

    def lose_session(self, session: ServerSession, now: float, reason: str = "session lost") -> None:
        """Make a session vanish as if the server forgot it (a no-op when it is closed already).

        Its agent leaves Dialer with no message; a call it held becomes ``orphaned`` with
        ``orphanReason`` = ``reason``. Later requests with its id get 401 (unknown session), not 410.
        """
        self.advance(now)
        if session.open:
            self._vanish(session, reason)
            self._settle(now)

    def restart(self, now: float, reason: str = "server restart") -> int:
        """Simulate a server restart (or a switchover) in place: every session vanishes (calls held
        are orphaned with ``reason``), every Dialer log-in ends; the ledger, users' statuses, campaigns
        and dials in progress are kept. Returns how many sessions vanished."""
        self.advance(now)
        sessions = list(self._world.sessions.values())
        for session in sessions:
            self._vanish(session, reason)
        self._settle(now)
        return len(sessions)

    def _vanish(self, session: ServerSession, reason: str) -> None:
        call = session.agent.call
        if call is not None and len(session.agent.sessions) == 1:
            call.record.state = "orphaned"
            call.record.orphan_reason = reason
        self._close(session, remember=False)

    def touch(self, session: ServerSession, now: float) -> None:
        """Keep the session alive (heartbeat)."""
        self._live(session, now)

    def take_messages(self, session: ServerSession, now: float) -> list[dict[str, Any]]:
        """Return the session's queued messages and empty the queue."""
        self._live(session, now)
        messages, session.queue = session.queue, []
        return messages

    def drain(self, session: ServerSession) -> list[dict[str, Any]]:
        """Return and empty the session's queue without counting it as the client's activity."""
        messages, session.queue = session.queue, []
        return messages

    def give_back(self, session: ServerSession, messages: list[dict[str, Any]]) -> None:
        """Put messages taken but not delivered back at the head of the session's queue."""
        session.queue[:0] = messages

    def stream_opened(self, session: ServerSession) -> None:
        """Count an open event stream: a session with one never expires for idleness."""
        session.open_streams += 1

    def stream_closed(self, session: ServerSession, now: float) -> None:
        """Count a closed event stream; idleness is measured from now on."""
        session.open_streams = max(0, session.open_streams - 1)
        session.last_seen = max(session.last_seen, now)

    def set_station(self, session: ServerSession, settings: dict[str, Any], now: float) -> None:
        """Remember the station the session logged in to."""
        self._live(session, now).station = settings

    def station(self, session: ServerSession, now: float) -> StationInformation:
        """Return the ``stationInformation`` of the station the session logged in to.

        Raises:
            EngineError: 404 when no station was set.
        """
        station = self._live(session, now).station
        if station is None:
            raise EngineError(404, ErrorIds.NO_STATION, "The session is not logged in to a station.")
        return station_information(station)

    def clear_station(self, session: ServerSession, now: float) -> None:
        """Log the session out of its station (a no-op when there is none)."""
        self._live(session, now).station = None

    # --- licences ----------------------------------------------------------------------------------------

    def acquire_licenses(
        self, session: ServerSession, request: LicenseRequest, now: float
    ) -> LicenseOperationResults:
        """Acquire licences for the session user; a licence not acquired says why in its result.

        Raises:
            EngineError: 400 when ``licenseList`` is empty (it is ``List [1,*]``).
        """
        self._live(session, now)
        if not request.license_list:
            raise EngineError.invalid_property("licenseList", "Name at least one license.")
        user = session.user
        results = self._world.licences.acquire(
            user.user_id, session.session_id, user.spec.licences, request.license_list
        )
        return LicenseOperationResults(license_operation_result_list=results)

    def _dialer_session(self, session: ServerSession, now: float) -> ServerSession:
        """The live session of a Dialer request, whose user holds the Dialer licence.

        Raises:
            EngineError: 410 for a closed session; 403 when the user holds no Dialer licence.
        """
        self._live(session, now)
        needed = self._world.behaviour.dialer_licence
        if needed is not None and not self._world.licences.holds(session.user.user_id, needed):
            raise EngineError(403, ErrorIds.NO_DIALER_LICENSE, _NO_DIALER_LICENSE)
        return session

    # --- statuses (R4, R22, R27) ----------------------------------------------------------------------

    def status_messages(self) -> StatusMessageList:
        """Return the statuses users can take, as the status-messages GET lists them."""
        return StatusMessageList(status_message_list=[_status_definition(s) for s in self.scenario.statuses])

    def set_user_status(
        self, session: ServerSession, user_id: str, update: UserStatusUpdate, now: float
    ) -> str | None:
        """Set the session user's status; return the request id when the answer is 202.

        The status id matches in any letter case (official Status page: status ids are
        case-insensitive); the user's status takes the scenario's spelling.

        Raises:
            EngineError: 403 for another user's status; 400 for an unknown status id.
        """
        self._live(session, now)
        if user_id != session.user.user_id:
            raise EngineError(
                403, ErrorIds.ACCESS_DENIED, f"The session may not set the status of '{user_id}'."
            )
        status = self.scenario.status(update.status_id)
        if status is None:
            known = [s.id for s in self.scenario.statuses]
            raise EngineError.invalid_property(
                "statusId", f"'{update.status_id}' is not a status; use one of {known}."
            )
        self._apply_status(session.user, status, now)
        request_id = None
        if self._world.behaviour.status_put_code == 202:
            request_id = str(next(self._request_ids))
            self._world.send_wire(session, completed_message(request_id))
        self._settle(now)
        return request_id

    def _apply_status(self, user: UserState, status: StatusSpec, now: float) -> None:
        old, user.status, user.status_changed = user.status, status, now
        if user.watchers:
            message = UserStatusMessage(is_delta=True, user_status_list=[self._user_status(user)])
            for watcher in user.watchers:
                self._world.send(watcher, message)
        if user.dialer_agent is not None:
            self._dialer.status_changed(user.dialer_agent, old, status)

    def _user_status(self, user: UserState) -> UserStatus:
        agent = user.dialer_agent
        return UserStatus(
            user_id=user.user_id,
            status_id=user.status.id,
            status_changed=datetime.fromtimestamp(user.status_changed, UTC),
            logged_in=True,
            on_phone=agent is not None and agent.call is not None,
        )

    def user_status(self, session: ServerSession, user_id: str, now: float) -> UserStatus:
        """Return a user's current status.

        Raises:
            EngineError: 404 for an unknown user.
        """
        self._live(session, now)
        return self._user_status(self._known_user(user_id, now))

    def _known_user(self, user_id: str, now: float) -> UserState:
        user = self._world.user(user_id, now)
        if user is None:
            raise EngineError(404, ErrorIds.UNKNOWN_USER, f"There is no user '{user_id}'.")
        return user

    def watch_user_statuses(self, session: ServerSession, user_ids: Iterable[str], now: float) -> None:
        """Subscribe the session to users' status changes and queue their current statuses.

        Raises:
            EngineError: 404 when any user is unknown (then nobody is subscribed).
        """
        self._live(session, now)
        users = [self._known_user(user_id, now) for user_id in user_ids]
        for user in users:
            user.watchers[session] = None
            session.watching[user.user_id] = None
        statuses = [self._user_status(user) for user in users]
        self._world.send(session, UserStatusMessage(is_delta=False, user_status_list=statuses))

    def unwatch_user_statuses(self, session: ServerSession, now: float) -> None:
        """End the session's user-status subscription."""
        self._live(session, now)
        self._unwatch(session)

    def _unwatch(self, session: ServerSession) -> None:
        for user_id in session.watching:
            user = self._world.users.get(user_id)
            if user is not None:
                user.watchers.pop(session, None)
        session.watching.clear()

    # --- queues, interactions and configuration ---------------------------------------------------------

    def subscribe_queue(
        self, session: ServerSession, subscription_id: str, request: QueueSubscriptionRequest, now: float
    ) -> None:
        """Create or replace a queue subscription (official queue subscription page)."""
        self._interactions.subscribe(self._live(session, now), subscription_id, request)

    def unsubscribe_queue(self, session: ServerSession, subscription_id: str, now: float) -> None:
        """End a queue subscription."""
        self._interactions.unsubscribe(self._live(session, now), subscription_id)

    def disconnect_interaction(self, session: ServerSession, interaction_id: str, now: float) -> None:
        """Disconnect an interaction on the session user's queue; 404 for one it never had."""
        self._interactions.disconnect(self._live(session, now), interaction_id, now)
        self._settle(now)

    def pick_up_interaction(self, session: ServerSession, interaction_id: str, now: float) -> None:
        """Pick up an ACD interaction alerting the session user (R33); see ``Acd.pick_up``."""
        self._acd.pick_up(self._live(session, now), interaction_id, now)
        self._settle(now)

    def configuration_user(
        self, session: ServerSession, user_id: str, select: str, now: float
    ) -> ConfigurationUser:
        """The configuration user ``user_id`` with its ``securityRights`` when selected (or ``*``).

        A session reads its own user; another known user is 403, an unknown one 404. The rights served
        are those the scenario models: ``loginCampaign`` (Dialer's Logon Campaign right).
        """
        self._live(session, now)
        spec = self._world.scenario.user_table.get(user_id)
        if spec is None:
            raise EngineError(404, ErrorIds.NOT_FOUND, f"There is no configuration user '{user_id}'.")
        if user_id != session.user.user_id:
            raise EngineError(403, ErrorIds.ACCESS_DENIED, f"The session user may not read user '{user_id}'.")
        fields = {name.strip().casefold() for name in select.split(",")}
        rights = None
        if fields & {"*", "securityrights", "securityrights.logincampaign"}:
            rights = SecurityRights(
                login_campaign=InheritedBoolean(effective_value=spec.has_logon_campaign_right)
            )
        identity = ConfigurationId(id=user_id, display_name=user_id)
        return ConfigurationUser(configuration_id=identity, security_rights=rights)

    # --- Dialer (R2..R34) ---------------------------------------------------------------------------

    def dialer_log_in(self, session: ServerSession, request: LogInRequest, now: float) -> None:
        """Log in to Dialer, or to one campaign (R2, R12..R16). Raises EngineError 403 when refused."""
        self._dialer.log_in(self._dialer_session(session, now).agent, request.campaign_id)
        self._settle(now)

    def ready_for_calls(self, session: ServerSession, request: ReadyForCallsRequest, now: float) -> None:
        """Make the agent ready for calls of some or all of its campaigns (R3)."""
        self._dialer.ready_for_calls(self._dialer_session(session, now).agent, request.campaign_ids)
        self._settle(now)

    def request_break(self, session: ServerSession, now: float) -> None:
        """Ask for a break (R17..R19)."""
        self._dialer.request_break(self._dialer_session(session, now).agent)
        self._settle(now)

    def end_break(self, session: ServerSession, now: float) -> None:
        """End the break at once (R20, R21)."""
        self._dialer.end_break(self._dialer_session(session, now).agent)
        self._settle(now)

    def place_preview_call(
        self, session: ServerSession, request: PlacePreviewCallRequest, now: float
    ) -> None:
        """Dial the agent's preview call (R6); 404 when it holds no call."""
        self._dialer.place_preview_call(
            self._dialer_session(session, now).agent, request.call_attributes, now
        )
        self._settle(now)

    def disposition(self, session: ServerSession, request: DispositionRequest, now: float) -> None:
        """Disposition the agent's current call (R9, R23..R27, R31); 404 when it holds none."""
        agent = self._dialer_session(session, now).agent
        status = self._dialer.disposition(agent, request, now)
        if status is not None:
            self._apply_status(session.user, status, now)
        self._settle(now)

    def dialer_log_off(self, session: ServerSession, request: LogOffRequest, now: float) -> None:
        """Log off campaigns or all of Dialer (R8, R10, R28..R32)."""
        self._dialer.log_off(self._dialer_session(session, now).agent, request.campaign_ids)
        self._settle(now)

    def form_definition(
        self, session: ServerSession, request: RequestFormDefinitionRequest, now: float
    ) -> FormDefinition:
        """Return a campaign's form definition."""
        return self._dialer.form_definition(self._dialer_session(session, now).agent, request.campaign_id)

    def update_call_data(self, session: ServerSession, request: UpdateCallDataRequest, now: float) -> None:
        """Write call attributes back to a call this session's user handled.

        Raises:
            EngineError: 400 when the call id is unknown, belongs to another user or campaign.
        """
        self._dialer_session(session, now)
        record = self._world.ledger.find(request.call_id)
        if (
            record is None
            or record.agent != session.user.user_id
            or record.campaign_id != request.campaign_id
        ):
            raise EngineError(
                400,
                ErrorIds.UNKNOWN_CALL,
                f"Call '{request.call_id}' is not a call of this agent and campaign.",
            )
        record.attributes.update(request.call_attributes)
        self._world.ledger.rewrite(record)

    # --- campaigns (a supervisor's doing, not an ICWS request) ----------------------------------------

    def set_campaign_status(self, campaign: str, status: CampaignStatus, now: float) -> dict[str, Any]:
        """Give a campaign (by id or name) a new status and tell its agents; return its summary.

        Raises:
            EngineError: 404 for an unknown campaign.
        """
        self.advance(now)
        found = self._campaigns.set_status(campaign, status)
        self._settle(now)
        return self._campaigns.describe(found)

    def campaigns_snapshot(self) -> list[dict[str, Any]]:
        """Return one summary per campaign, for ``/mock/campaigns``."""
        return [self._campaigns.describe(c) for c in self._world.campaigns.values()]

    # --- observation ------------------------------------------------------------------------------------

    def ledger(self) -> dict[str, Any]:
        """Return the ``/mock/ledger`` body: every call record and per-campaign counters."""
        return self._world.ledger.to_wire(self._world.settled)

    def ledger_page(self, after: int, limit: int, *, calls_only: bool = False) -> dict[str, Any]:
        """Return a ``/mock/ledger?after=SEQ&limit=N`` body: settled calls after a cursor, open ones,
        per-campaign counters, or with ``calls_only`` the settled calls alone (see ``Ledger.page``)."""
        return self._world.ledger.page(after, limit, self._world.settled, calls_only=calls_only)

    def save_ledger(self) -> None:
        """Settle what can be settled and commit the ledger's table (its file is then complete)."""
        self._world.ledger.sweep(self._world.now, force=True)
        self._world.ledger.settled.save()

    def close(self) -> None:
        """Save and close the ledger's table of settled calls."""
        self.save_ledger()
        self._world.ledger.close()

    def sessions_snapshot(self) -> list[dict[str, Any]]:
        """Return one summary per open session, for ``/mock/sessions``."""
        licences = self._world.licences
        return [
            _session_summary(session, licences.held_by(session.user.user_id, session.session_id))
            for session in self._world.sessions.values()
        ]

    def session(self, session_id: str) -> ServerSession | None:
        """Return an open session by id, or None."""
        return self._world.sessions.get(session_id)

    def health(self) -> dict[str, Any]:
        """Return counts that show the engine is alive and how busy it is."""
        world = self._world
        return {
            "status": "ok",
            "sessions": len(world.sessions),
            "dialerAgents": sum(1 for s in world.sessions.values() if s.agent.logged_in),
            "calls": world.ledger.created,
            "timers": len(world.timers),
            "licences": world.licences.snapshot(),
        }


def _credentials_problem(
    session: ServerSession, csrf_token: str | None, cookie: str | None, require_csrf: bool
) -> EngineError | None:
    if require_csrf and csrf_token != session.csrf_token:
        what = "missing" if csrf_token is None else "not valid for this session"
        return EngineError(401, ErrorIds.INVALID_CSRF_TOKEN, f"The ININ-ICWS-CSRF-Token header is {what}.")
    if cookie != session.cookie_value:
        what = "missing" if cookie is None else "not valid"
        return EngineError(
            401, ErrorIds.INVALID_SESSION_COOKIE, f"The session cookie icws_{session.session_id} is {what}."
        )
    return None


def _status_definition(status: StatusSpec) -> StatusMessageDefinition:
    return StatusMessageDefinition(
        status_id=status.id,
        message_text=status.message_text or status.id,
        group_tag=status.group_tag,
        system_id=status.id,
        is_do_not_disturb_status=status.do_not_disturb,
        is_selectable_status=status.selectable,
        is_persistent_status=False,
        is_after_call_work_status=status.after_call_work,
        is_acd_status=status.acd,
        is_allow_follow_up_status=status.available,
    )


def _session_summary(session: ServerSession, licences: list[str]) -> dict[str, Any]:
    agent = session.agent
    return {
        "sessionId": session.session_id,
        "userId": session.user.user_id,
        "applicationName": session.application_name,
        "dialerLoggedIn": agent.logged_in,
        "campaigns": list(agent.campaigns),
        "status": session.user.status.id,
        "breakStatus": int(agent.break_status),
        "readyAll": agent.ready_all,
        "readyCampaigns": sorted(agent.ready),
        "currentCall": agent.call.record.call_id if agent.call else None,
        "licences": licences,
        "queuedMessages": len(session.queue),
        "openStreams": session.open_streams,
    }


def completed_message(request_id: str) -> dict[str, Any]:
    """The wire form of a successful ``AsyncOperationCompletedMessage``, built as a dict (one per
    status change, so without building and dumping the model)."""
    return {
        "isDelta": False,
        "__type": ASYNC_OPERATION_COMPLETED_MESSAGE,
        "requestId": request_id,
        "error": None,
    }
