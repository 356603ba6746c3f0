"""The agent lifecycle as data: states, triggers and the one transition table.

Every rule that changes the agent's state lives in this file. ``TRANSITIONS[(state, trigger)]`` names
the next state; a pair that is missing is not allowed. `Agent` (``_agent.py``) only classifies what
happened into a `Trigger`, looks the pair up here, and carries out the new state's entry (one request
made by ``_steps.py``, or one timer). If you change the table, regenerate ``STATES.md``
(``python -m botagent.agent._diagram``); a test fails while the checked-in diagram is out of date.

Rule 1: a state that sends a request (`SENDING_STATES`) is left only by SUCCEEDED or FAILED of that
request, or, before its request went out, by LEAVE, FAIL, SKIP_STEP (the plan or the server asks for
nothing, as a plan with no licences to acquire) or a *_FIRST step. So at most one request is
outstanding.

Rule 2: a state with a timer (`STATE_TIMERS`) is left by that timer (TIMEOUT for a deadline, ELAPSED for
a behaviour delay, SKIP_PREVIEW for a preview the agent decided to skip), by a fact the agent learnt from
a message (POP_*, BREAK_GRANTED, LOGOFF_GRANTED, CAMPAIGNS_*, READY_AGAIN, PLACED_BY_DIALER, HUNG_UP),
or by LEAVE or FAIL. Leaving it cancels its timer.

Rule 3: decision states (`DECISION_STATES`) are passed through within one event: the agent picks one
of their triggers from what it knows, so they are never observed from outside.

Rule 4: a LEAVE row exists only where leaving can take effect: a send state sees a wish to leave only
if it arrived while the request before it was out (or, for DISPOSITIONING, when the wrap-up ends the
plan), since a resting state acts on it at once.

Rule 5: before a request that needs a server feature version (official Versioning page) the agent
checks the versions the session's opening listed; a missing one is a FAIL of the state about to send
it (DIALER_LOGIN, READYING) or of PREVIEWING.

Rule 6: a preview the agent must disposition while leaving or cleaning up, unplaced and not skippable,
is placed first (FINAL_PLACING, CLEANUP_PLACING): a real server refuses to disposition it otherwise
(R6; official disposition page). One the pop allows to skip is skipped instead.

Rule 7: licences are acquired right after the session opens, before anything else is asked of the
server (official getting-started and licenses pages). A licence not acquired is a failure learnt from a
successful answer: the next state takes it as FAIL before it sends anything.

Rule 8: a step the server or the plan does not call for (acquiring no licences, reading the rights,
watching the queue, disconnecting a call the agent does not watch or the server disconnects itself) is
passed by SKIP_STEP before its request goes out. A call's interaction disconnected by the far end
(HUNG_UP) ends the talk early; a call still connected is disconnected before its disposition
(DISCONNECTING, FINAL_DISCONNECTING, CLEANUP_DISCONNECTING), as production agent pages do (official
disposition page: "Dialer does not actually disconnect the call").

Rule 9: a blended agent (R33) waiting for a pop picks up an inbound ACD interaction alerting on its
queue (PICKING_UP_ACD), talks (ACD_TALKING) and disconnects it (ACD_DISCONNECTING) unless the caller
hung up first (HUNG_UP), then waits for a pop again. A pick-up answered 400 or 404 finds the alert gone
(back to its workgroup, or its caller gave up), which ends the talk at once. Leaving while on one
disconnects it first.

Rule 10: any failure (FAILED, TIMEOUT, FAIL) of a normal step goes to CLEANING_UP, which logs off,
dispositions held calls and closes the session, each at most once, and then stops in ERROR. FINISHED
and ERROR are terminal.
"""

from __future__ import annotations

import enum
from types import MappingProxyType
from typing import Final

__all__ = [
    "DEADLINE_TIMERS",
    "DECISION_STATES",
    "SENDING_STATES",
    "STATE_TIMERS",
    "TERMINAL_STATES",
    "TRANSITIONS",
    "AgentState",
    "ReportBucket",
    "TimerKind",
    "Trigger",
    "bucket_of",
]


class ReportBucket(enum.StrEnum):
    """The coarse groups a load report counts agents in."""

    LOGGING_IN = "logging in"
    READY = "ready"
    ON_CALL = "on call"
    WRAP_UP = "wrap-up"
    BREAK = "break"
    LOGGING_OFF = "logging off"
    LOGGED_OFF = "logged off"
    ERROR = "error"


class AgentState(enum.Enum):
    """Where an agent is in its lifecycle; `bucket` gives its report group."""

    IDLE = "idle"
    OPENING_SESSION = "opening session"
    ACQUIRING_LICENCES = "acquiring licences"
    READING_RIGHTS = "reading rights"
    WATCHING_QUEUE = "watching queue"
    DIALER_LOGIN = "dialer log-in"
    AWAITING_CAMPAIGNS = "awaiting campaigns"
    JOINING_CAMPAIGN = "joining campaign"
    READYING = "readying"
    SETTING_AVAILABLE = "setting available"
    WAITING_FOR_POP = "waiting for pop"
    JOINING_ANOTHER = "joining another campaign"
    READYING_AGAIN = "readying again"
    PREVIEWING = "previewing"
    PLACING_PREVIEW = "placing preview"
    SKIPPING_PREVIEW = "skipping preview"
    TALKING = "talking"
    PICKING_UP_ACD = "picking up acd"
    ACD_TALKING = "acd talking"
    ACD_DISCONNECTING = "acd disconnecting"
    DISCONNECTING = "disconnecting"
    WRAPPING_UP = "wrapping up"
    DISPOSITIONING = "dispositioning"
    BETWEEN_CALLS = "between calls"
    REQUESTING_BREAK = "requesting break"
    AWAITING_BREAK = "awaiting break"
    ON_BREAK = "on break"
    ENDING_BREAK = "ending break"
    CHANGING_STATUS = "changing status"
    AWAY = "away"
    LOGGING_OFF_ON_CALL = "logging off on call"
    FINAL_PLACING = "final placing"
    FINAL_DISCONNECTING = "final disconnecting"
    FINAL_DISPOSITIONING = "final dispositioning"
    LOGGING_OFF = "logging off"
    AWAITING_LOGOFF_GRANT = "awaiting logoff grant"
    CLOSING = "closing"
    CLEANING_UP = "cleaning up"
    CLEANUP_LOGGING_OFF = "cleanup logging off"
    CLEANUP_PLACING = "cleanup placing"
    CLEANUP_DISCONNECTING = "cleanup disconnecting"
    CLEANUP_DISPOSITIONING = "cleanup dispositioning"
    CLEANUP_CLOSING = "cleanup closing"
    FINISHED = "finished"
    ERROR = "error"

    @property
    def bucket(self) -> ReportBucket:
        """The report group this state counts in."""
        return _BUCKETS[self]


def bucket_of(state: AgentState) -> str:
    """The report group of ``state`` as plain text ("logging in", "ready", "on call", ...)."""
    return _BUCKETS[state].value


class TimerKind(enum.Enum):
    """What a timer is for; deadlines end in a step error, delays are behaviour."""

    LOGIN_MESSAGES = "login messages"
    POP = "pop"
    THINK = "think"
    TALK = "talk"
    ACD_TALK = "acd talk"
    WRAP_UP = "wrap-up"
    BREAK_GRANT = "break grant"
    BREAK = "break"
    AWAY = "away"
    LOGOFF_GRANT = "logoff grant"
    PLAN_END = "plan end"


class Trigger(enum.Enum):
    """The event types of the table: what happened, as far as the lifecycle cares."""

    START = "start"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    TIMEOUT = "timeout"
    ELAPSED = "elapsed"
    FAIL = "fail"
    LEAVE = "leave"
    CAMPAIGNS_OFFERED = "campaigns offered"
    CAMPAIGNS_AUTO = "campaigns auto"
    ALL_JOINED = "all joined"
    READY_AGAIN = "ready again"
    POP_PLACED = "pop placed"
    POP_PREVIEW = "pop preview"
    SKIP_PREVIEW = "skip preview"
    PLACE_FIRST = "place first"
    DISCONNECT_FIRST = "disconnect first"
    SKIP_STEP = "skip step"
    HUNG_UP = "hung up"
    ACD_ALERT = "acd alert"
    PLACED_BY_DIALER = "placed by dialer"
    BREAK_GRANTED = "break granted"
    LOGOFF_GRANTED = "logoff granted"
    TAKE_BREAK = "take break"
    CHANGE_STATUS = "change status"
    GO_AVAILABLE = "go available"
    CLEANUP_LOGOFF = "cleanup logoff"
    CLEANUP_DISPOSITION = "cleanup disposition"
    CLEANUP_CLOSE = "cleanup close"
    CLEANUP_DONE = "cleanup done"


S = AgentState
T = Trigger

_BUCKETS: Final = MappingProxyType(
    {
        S.IDLE: ReportBucket.LOGGED_OFF,
        S.OPENING_SESSION: ReportBucket.LOGGING_IN,
        S.ACQUIRING_LICENCES: ReportBucket.LOGGING_IN,
        S.READING_RIGHTS: ReportBucket.LOGGING_IN,
        S.WATCHING_QUEUE: ReportBucket.LOGGING_IN,
        S.DIALER_LOGIN: ReportBucket.LOGGING_IN,
        S.AWAITING_CAMPAIGNS: ReportBucket.LOGGING_IN,
        S.JOINING_CAMPAIGN: ReportBucket.LOGGING_IN,
        S.READYING: ReportBucket.LOGGING_IN,
        S.SETTING_AVAILABLE: ReportBucket.READY,
        S.WAITING_FOR_POP: ReportBucket.READY,
        S.JOINING_ANOTHER: ReportBucket.READY,
        S.READYING_AGAIN: ReportBucket.READY,
        S.PREVIEWING: ReportBucket.ON_CALL,
        S.PLACING_PREVIEW: ReportBucket.ON_CALL,
        S.SKIPPING_PREVIEW: ReportBucket.WRAP_UP,
        S.TALKING: ReportBucket.ON_CALL,
        S.DISCONNECTING: ReportBucket.ON_CALL,
        S.PICKING_UP_ACD: ReportBucket.ON_CALL,
        S.ACD_TALKING: ReportBucket.ON_CALL,
        S.ACD_DISCONNECTING: ReportBucket.ON_CALL,
        S.WRAPPING_UP: ReportBucket.WRAP_UP,
        S.DISPOSITIONING: ReportBucket.WRAP_UP,
        S.BETWEEN_CALLS: ReportBucket.WRAP_UP,
        S.REQUESTING_BREAK: ReportBucket.BREAK,
        S.AWAITING_BREAK: ReportBucket.BREAK,
        S.ON_BREAK: ReportBucket.BREAK,
        S.ENDING_BREAK: ReportBucket.BREAK,
        S.CHANGING_STATUS: ReportBucket.BREAK,
        S.AWAY: ReportBucket.BREAK,
        S.LOGGING_OFF_ON_CALL: ReportBucket.LOGGING_OFF,
        S.FINAL_PLACING: ReportBucket.LOGGING_OFF,
        S.FINAL_DISCONNECTING: ReportBucket.LOGGING_OFF,
        S.FINAL_DISPOSITIONING: ReportBucket.LOGGING_OFF,
        S.LOGGING_OFF: ReportBucket.LOGGING_OFF,
        S.AWAITING_LOGOFF_GRANT: ReportBucket.LOGGING_OFF,
        S.CLOSING: ReportBucket.LOGGING_OFF,
        S.CLEANING_UP: ReportBucket.ERROR,
        S.CLEANUP_LOGGING_OFF: ReportBucket.ERROR,
        S.CLEANUP_PLACING: ReportBucket.ERROR,
        S.CLEANUP_DISCONNECTING: ReportBucket.ERROR,
        S.CLEANUP_DISPOSITIONING: ReportBucket.ERROR,
        S.CLEANUP_CLOSING: ReportBucket.ERROR,
        S.FINISHED: ReportBucket.LOGGED_OFF,
        S.ERROR: ReportBucket.ERROR,
    }
)

SENDING_STATES: Final = frozenset(
    {
        S.OPENING_SESSION,
        S.ACQUIRING_LICENCES,
        S.READING_RIGHTS,
        S.WATCHING_QUEUE,
        S.DIALER_LOGIN,
        S.JOINING_CAMPAIGN,
        S.READYING,
        S.SETTING_AVAILABLE,
        S.JOINING_ANOTHER,
        S.READYING_AGAIN,
        S.PLACING_PREVIEW,
        S.SKIPPING_PREVIEW,
        S.DISCONNECTING,
        S.PICKING_UP_ACD,
        S.ACD_DISCONNECTING,
        S.DISPOSITIONING,
        S.REQUESTING_BREAK,
        S.ENDING_BREAK,
        S.CHANGING_STATUS,
        S.LOGGING_OFF_ON_CALL,
        S.FINAL_PLACING,
        S.FINAL_DISCONNECTING,
        S.FINAL_DISPOSITIONING,
        S.LOGGING_OFF,
        S.CLOSING,
        S.CLEANUP_LOGGING_OFF,
        S.CLEANUP_PLACING,
        S.CLEANUP_DISCONNECTING,
        S.CLEANUP_DISPOSITIONING,
        S.CLEANUP_CLOSING,
    }
)
"""States that send exactly one request on entry (Rule 1)."""

STATE_TIMERS: Final = MappingProxyType(
    {
        S.AWAITING_CAMPAIGNS: TimerKind.LOGIN_MESSAGES,
        S.WAITING_FOR_POP: TimerKind.POP,
        S.PREVIEWING: TimerKind.THINK,
        S.TALKING: TimerKind.TALK,
        S.ACD_TALKING: TimerKind.ACD_TALK,
        S.WRAPPING_UP: TimerKind.WRAP_UP,
        S.AWAITING_BREAK: TimerKind.BREAK_GRANT,
        S.ON_BREAK: TimerKind.BREAK,
        S.AWAY: TimerKind.AWAY,
        S.AWAITING_LOGOFF_GRANT: TimerKind.LOGOFF_GRANT,
    }
)
"""States that set one timer on entry and cancel it on exit (Rule 2)."""

DEADLINE_TIMERS: Final = frozenset(
    {TimerKind.LOGIN_MESSAGES, TimerKind.POP, TimerKind.BREAK_GRANT, TimerKind.LOGOFF_GRANT}
)
"""Timers whose firing is a failed wait (TIMEOUT); the others are behaviour delays (ELAPSED)."""

DECISION_STATES: Final = frozenset({S.BETWEEN_CALLS, S.CLEANING_UP})
"""States passed through within one event (Rule 3)."""

TERMINAL_STATES: Final = frozenset({S.FINISHED, S.ERROR})

_CLEANUP_STATES: Final = frozenset(
    {
        S.CLEANING_UP,
        S.CLEANUP_LOGGING_OFF,
        S.CLEANUP_PLACING,
        S.CLEANUP_DISCONNECTING,
        S.CLEANUP_DISPOSITIONING,
        S.CLEANUP_CLOSING,
    }
)

_TABLE: dict[tuple[AgentState, Trigger], AgentState] = {
    # Log-in: session (R1), licences (Rule 7), Dialer (R2), its messages (R12), campaigns (R13-R15),
    # ready (R3), Available (R4).
    # With the Logon Campaign right, AWAITING_CAMPAIGNS waits (on its deadline) until a chosen campaign
    # runs, and JOINING_CAMPAIGN joins each chosen running campaign the agent is not in yet.
    (S.IDLE, T.START): S.OPENING_SESSION,
    (S.IDLE, T.LEAVE): S.FINISHED,
    # Before the Dialer log-in: acquire the licences (Rule 7), then, as production agent pages do, read
    # the user's own Logon Campaign right (configuration users) and watch its own queue, where Dialer
    # calls sit as interactions (Rule 8).
    (S.OPENING_SESSION, T.SUCCEEDED): S.ACQUIRING_LICENCES,
    (S.ACQUIRING_LICENCES, T.SUCCEEDED): S.READING_RIGHTS,
    (S.ACQUIRING_LICENCES, T.SKIP_STEP): S.READING_RIGHTS,
    (S.ACQUIRING_LICENCES, T.LEAVE): S.CLOSING,
    (S.READING_RIGHTS, T.SUCCEEDED): S.WATCHING_QUEUE,
    (S.READING_RIGHTS, T.SKIP_STEP): S.WATCHING_QUEUE,
    (S.WATCHING_QUEUE, T.SUCCEEDED): S.DIALER_LOGIN,
    (S.WATCHING_QUEUE, T.SKIP_STEP): S.DIALER_LOGIN,
    (S.DIALER_LOGIN, T.SUCCEEDED): S.AWAITING_CAMPAIGNS,
    (S.DIALER_LOGIN, T.LEAVE): S.CLOSING,
    (S.AWAITING_CAMPAIGNS, T.CAMPAIGNS_OFFERED): S.JOINING_CAMPAIGN,
    (S.AWAITING_CAMPAIGNS, T.CAMPAIGNS_AUTO): S.READYING,
    (S.AWAITING_CAMPAIGNS, T.LEAVE): S.LOGGING_OFF,
    (S.JOINING_CAMPAIGN, T.SUCCEEDED): S.JOINING_CAMPAIGN,
    (S.JOINING_CAMPAIGN, T.ALL_JOINED): S.READYING,
    (S.JOINING_CAMPAIGN, T.LEAVE): S.LOGGING_OFF,
    (S.READYING, T.SUCCEEDED): S.SETTING_AVAILABLE,
    (S.SETTING_AVAILABLE, T.SUCCEEDED): S.WAITING_FOR_POP,
    (S.SETTING_AVAILABLE, T.LEAVE): S.LOGGING_OFF,
    # Calls: data pops are already placed (R7), preview pops must be placed (R6).
    (S.WAITING_FOR_POP, T.POP_PLACED): S.TALKING,
    (S.WAITING_FOR_POP, T.POP_PREVIEW): S.PREVIEWING,
    (S.WAITING_FOR_POP, T.LEAVE): S.LOGGING_OFF,
    # A blended agent (R33) takes an inbound ACD interaction alerting on its queue while it waits.
    (S.WAITING_FOR_POP, T.ACD_ALERT): S.PICKING_UP_ACD,
    (S.PICKING_UP_ACD, T.SUCCEEDED): S.ACD_TALKING,
    (S.ACD_TALKING, T.ELAPSED): S.ACD_DISCONNECTING,
    (S.ACD_TALKING, T.HUNG_UP): S.WAITING_FOR_POP,
    (S.ACD_TALKING, T.LEAVE): S.ACD_DISCONNECTING,
    (S.ACD_DISCONNECTING, T.SUCCEEDED): S.WAITING_FOR_POP,
    # A campaign that starts running later is joined when chosen, and every further campaign, joined by
    # hand or by Dialer, needs ready-for-calls again (official ready-for-calls page).
    (S.WAITING_FOR_POP, T.CAMPAIGNS_OFFERED): S.JOINING_ANOTHER,
    (S.WAITING_FOR_POP, T.READY_AGAIN): S.READYING_AGAIN,
    (S.JOINING_ANOTHER, T.SUCCEEDED): S.JOINING_ANOTHER,
    (S.JOINING_ANOTHER, T.ALL_JOINED): S.READYING_AGAIN,
    (S.JOINING_ANOTHER, T.LEAVE): S.LOGGING_OFF,
    (S.READYING_AGAIN, T.SUCCEEDED): S.WAITING_FOR_POP,
    # A preview is placed after the think time, or at its previewTimeout by the timer; one the pop
    # allows to skip may be dispositioned "Skipped - Agent Skip" instead (official disposition page).
    (S.PREVIEWING, T.ELAPSED): S.PLACING_PREVIEW,
    (S.PREVIEWING, T.SKIP_PREVIEW): S.SKIPPING_PREVIEW,
    (S.PREVIEWING, T.PLACED_BY_DIALER): S.TALKING,
    (S.PREVIEWING, T.LEAVE): S.LOGGING_OFF_ON_CALL,
    (S.PLACING_PREVIEW, T.SUCCEEDED): S.TALKING,
    (S.SKIPPING_PREVIEW, T.SUCCEEDED): S.BETWEEN_CALLS,
    # After talking the agent disconnects the call unless the server does on disposition (Rule 8); a
    # far end that hangs up ends the talk early.
    (S.TALKING, T.ELAPSED): S.DISCONNECTING,
    (S.TALKING, T.HUNG_UP): S.WRAPPING_UP,
    (S.DISCONNECTING, T.SUCCEEDED): S.WRAPPING_UP,
    (S.DISCONNECTING, T.SKIP_STEP): S.WRAPPING_UP,
    (S.TALKING, T.LEAVE): S.LOGGING_OFF_ON_CALL,
    (S.WRAPPING_UP, T.ELAPSED): S.DISPOSITIONING,
    (S.WRAPPING_UP, T.LEAVE): S.LOGGING_OFF_ON_CALL,
    # Every call is dispositioned (R23); leaving logs off first (R32).
    (S.DISPOSITIONING, T.SUCCEEDED): S.BETWEEN_CALLS,
    (S.DISPOSITIONING, T.LEAVE): S.LOGGING_OFF_ON_CALL,
    # Between calls: a call Dialer already placed (R9), a break, a status change, then Available (R27).
    (S.BETWEEN_CALLS, T.POP_PLACED): S.TALKING,
    (S.BETWEEN_CALLS, T.POP_PREVIEW): S.PREVIEWING,
    (S.BETWEEN_CALLS, T.LEAVE): S.LOGGING_OFF,
    (S.BETWEEN_CALLS, T.TAKE_BREAK): S.REQUESTING_BREAK,
    (S.BETWEEN_CALLS, T.CHANGE_STATUS): S.CHANGING_STATUS,
    (S.BETWEEN_CALLS, T.GO_AVAILABLE): S.SETTING_AVAILABLE,
    # Breaks (R17-R21): granted by breakStatus 2, ended by end-break (granted at once) or by log-off.
    (S.REQUESTING_BREAK, T.SUCCEEDED): S.AWAITING_BREAK,
    (S.AWAITING_BREAK, T.BREAK_GRANTED): S.ON_BREAK,
    (S.AWAITING_BREAK, T.LEAVE): S.LOGGING_OFF,
    (S.ON_BREAK, T.ELAPSED): S.ENDING_BREAK,
    (S.ON_BREAK, T.LEAVE): S.LOGGING_OFF,
    (S.ENDING_BREAK, T.SUCCEEDED): S.BETWEEN_CALLS,
    # A non-ACD status puts the agent on break (R22); Available takes it off.
    (S.CHANGING_STATUS, T.SUCCEEDED): S.AWAY,
    (S.AWAY, T.ELAPSED): S.BETWEEN_CALLS,
    (S.AWAY, T.LEAVE): S.LOGGING_OFF,
    # Log-off (R8, R10, R28-R32).
    (S.LOGGING_OFF_ON_CALL, T.SUCCEEDED): S.FINAL_DISPOSITIONING,
    (S.FINAL_DISPOSITIONING, T.PLACE_FIRST): S.FINAL_PLACING,
    (S.FINAL_PLACING, T.SUCCEEDED): S.FINAL_DISPOSITIONING,
    (S.FINAL_DISPOSITIONING, T.DISCONNECT_FIRST): S.FINAL_DISCONNECTING,
    (S.FINAL_DISCONNECTING, T.SUCCEEDED): S.FINAL_DISPOSITIONING,
    (S.FINAL_DISPOSITIONING, T.SUCCEEDED): S.AWAITING_LOGOFF_GRANT,
    (S.LOGGING_OFF, T.SUCCEEDED): S.AWAITING_LOGOFF_GRANT,
    (S.AWAITING_LOGOFF_GRANT, T.POP_PLACED): S.FINAL_DISPOSITIONING,
    (S.AWAITING_LOGOFF_GRANT, T.POP_PREVIEW): S.FINAL_DISPOSITIONING,
    (S.AWAITING_LOGOFF_GRANT, T.LOGOFF_GRANTED): S.CLOSING,
    (S.CLOSING, T.SUCCEEDED): S.FINISHED,
    # Failure (R11): report, then clean up once, then stop.
    (S.CLEANING_UP, T.CLEANUP_LOGOFF): S.CLEANUP_LOGGING_OFF,
    (S.CLEANING_UP, T.CLEANUP_DISPOSITION): S.CLEANUP_DISPOSITIONING,
    (S.CLEANUP_DISPOSITIONING, T.PLACE_FIRST): S.CLEANUP_PLACING,
    (S.CLEANUP_DISPOSITIONING, T.DISCONNECT_FIRST): S.CLEANUP_DISCONNECTING,
    (S.CLEANING_UP, T.CLEANUP_CLOSE): S.CLEANUP_CLOSING,
    (S.CLEANING_UP, T.CLEANUP_DONE): S.ERROR,
}

# A failure learnt from a message (FAIL) is taken by the first state without a request out that has
# this row: a resting state takes it at once, so a sending state only sees one that arrived while the
# request before it was out, or a missing feature version (Rule 5).
_FAIL_FROM = (
    S.READING_RIGHTS,
    S.WATCHING_QUEUE,
    S.DIALER_LOGIN,
    S.AWAITING_CAMPAIGNS,
    S.JOINING_CAMPAIGN,
    S.READYING,
    S.SETTING_AVAILABLE,
    S.WAITING_FOR_POP,
    S.JOINING_ANOTHER,
    S.PREVIEWING,
    S.TALKING,
    S.ACD_TALKING,
    S.WRAPPING_UP,
    S.BETWEEN_CALLS,
    S.AWAITING_BREAK,
    S.ON_BREAK,
    S.AWAY,
    S.FINAL_DISPOSITIONING,
    S.AWAITING_LOGOFF_GRANT,
)
for _state in _FAIL_FROM:
    _TABLE[(_state, T.FAIL)] = S.CLEANING_UP
for _state in (state for state in AgentState if state in SENDING_STATES):
    _TABLE[(_state, T.FAILED)] = S.CLEANING_UP
    if _state in _CLEANUP_STATES:
        _TABLE[(_state, T.SUCCEEDED)] = S.CLEANING_UP
for _state, _kind in STATE_TIMERS.items():
    if _kind in DEADLINE_TIMERS:
        _TABLE[(_state, T.TIMEOUT)] = S.CLEANING_UP

TRANSITIONS: Final = MappingProxyType(_TABLE)
"""``TRANSITIONS[(state, trigger)] -> next state``: the whole lifecycle."""

del _state, _kind, S, T
