"""What the agent asks its driver to do: requests to send, timers, and reports.

Requests name an ICWS call; ``endpoint`` is its stable name for reports and ``result_type`` the
`RequestResult` its success carries. Actions are carried out in order; a `Send` must be answered with
exactly one ``RequestSucceeded`` or ``RequestFailed`` before the agent sends anything else.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import ClassVar

from botagent.wire import Endpoint

from ._results import Acknowledged, LicencesAcquired, RequestResult, RightsRead, SessionOpened, StatusSet
from ._state import TimerKind

__all__ = [
    "AcquireLicences",
    "Action",
    "CallFinished",
    "CallOutcome",
    "CampaignJoined",
    "CampaignRef",
    "CancelTimer",
    "CloseSession",
    "DialerLogIn",
    "DialerLogOff",
    "DisconnectCall",
    "EndBreak",
    "Finished",
    "FinishedCall",
    "OpenSession",
    "PlacePreviewCall",
    "ReadRights",
    "ReadyForCalls",
    "RecordKpi",
    "ReportStepError",
    "ReportViolation",
    "Request",
    "RequestBreak",
    "Send",
    "SetStatus",
    "SetTimer",
    "SubmitDisposition",
    "Timer",
    "WatchQueue",
]

# --- requests -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Request:
    """Base of the ICWS calls the agent makes; ``result_type`` is what its success carries."""

    endpoint: ClassVar[Endpoint]
    result_type: ClassVar[type[RequestResult]] = Acknowledged


@dataclass(frozen=True, slots=True, kw_only=True)
class OpenSession(Request):
    """Create the ICWS session (R1); its success carries the server's feature versions."""

    endpoint: ClassVar[Endpoint] = Endpoint.CONNECT
    result_type: ClassVar[type[RequestResult]] = SessionOpened


@dataclass(frozen=True, slots=True, kw_only=True)
class AcquireLicences(Request):
    """Acquire these licences for the session user, right after the session opens (official licenses
    page; a Dialer call without the Dialer Add-on licence answers 403)."""

    endpoint: ClassVar[Endpoint] = Endpoint.ACQUIRE_LICENSES
    result_type: ClassVar[type[RequestResult]] = LicencesAcquired
    names: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class CloseSession(Request):
    """Delete the ICWS session."""

    endpoint: ClassVar[Endpoint] = Endpoint.DISCONNECT


@dataclass(frozen=True, slots=True, kw_only=True)
class ReadRights(Request):
    """Read the user's own configuration with ``rightsFilter=loggedInUser``, for the Logon Campaign
    right (``securityRights.loginCampaign.effectiveValue``), as production agent pages do."""

    endpoint: ClassVar[Endpoint] = Endpoint.CONFIGURATION_USER
    result_type: ClassVar[type[RequestResult]] = RightsRead


@dataclass(frozen=True, slots=True, kw_only=True)
class WatchQueue(Request):
    """Subscribe to the user's own queue (queue type 1) with these interaction attributes (official
    queue subscription page); its Dialer calls then arrive as queueContentsMessages."""

    endpoint: ClassVar[Endpoint] = Endpoint.SUBSCRIBE_QUEUES
    subscription_id: str
    attribute_names: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class DisconnectCall(Request):
    """Hang up a Dialer call's interaction: "Dialer does not actually disconnect the call. The
    application, agent, or caller must disconnect the call." (official disposition page)."""

    endpoint: ClassVar[Endpoint] = Endpoint.DISCONNECT_INTERACTION
    interaction_id: str


@dataclass(frozen=True, slots=True, kw_only=True)
class PickUpInteraction(Request):
    """Pick up an inbound ACD interaction alerting on the user's queue (R33, a blended agent)."""

    endpoint: ClassVar[Endpoint] = Endpoint.PICKUP_INTERACTION
    interaction_id: str


@dataclass(frozen=True, slots=True, kw_only=True)
class DialerLogIn(Request):
    """Log in to Dialer (``campaign_id`` None, R2) or to one campaign (R15)."""

    endpoint: ClassVar[Endpoint] = Endpoint.DIALER_LOG_IN
    campaign_id: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class ReadyForCalls(Request):
    """Tell Dialer the agent is ready (R3); None sends no campaign list."""

    endpoint: ClassVar[Endpoint] = Endpoint.READY_FOR_CALLS
    campaign_ids: tuple[str, ...] | None


@dataclass(frozen=True, slots=True, kw_only=True)
class SetStatus(Request):
    """Set the agent's own CIC status (R4, R22, R27)."""

    endpoint: ClassVar[Endpoint] = Endpoint.SET_STATUS
    result_type: ClassVar[type[RequestResult]] = StatusSet
    status_id: str


@dataclass(frozen=True, slots=True, kw_only=True)
class PlacePreviewCall(Request):
    """Dial the current preview call (R6).

    ``initiated_by_timer``: the preview's timeout came before the agent was done reading, so the call
    is placed because the preview timer expired (``callInitiatedByTimer``, official place-preview-call
    page).
    """

    endpoint: ClassVar[Endpoint] = Endpoint.PLACE_PREVIEW_CALL
    initiated_by_timer: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class SubmitDisposition(Request):
    """Finish the current call (R23-R26); ``scheduled_time`` is Unix seconds, UTC.

    Raises:
        ValueError: ``scheduled_agent`` without ``scheduled_time`` (official disposition page: "When
            this value is provided, the scheduledTime must also be provided").
    """

    endpoint: ClassVar[Endpoint] = Endpoint.DISPOSITION
    label: str
    scheduled_time: int | None = None
    scheduled_agent: str | None = None

    def __post_init__(self) -> None:
        if self.scheduled_agent is not None and self.scheduled_time is None:
            raise ValueError(f"scheduled_agent {self.scheduled_agent!r} needs a scheduled_time")


@dataclass(frozen=True, slots=True, kw_only=True)
class RequestBreak(Request):
    """Ask for a break (R17)."""

    endpoint: ClassVar[Endpoint] = Endpoint.REQUEST_BREAK


@dataclass(frozen=True, slots=True, kw_only=True)
class EndBreak(Request):
    """End the break; always granted at once (R21)."""

    endpoint: ClassVar[Endpoint] = Endpoint.END_BREAK


@dataclass(frozen=True, slots=True, kw_only=True)
class DialerLogOff(Request):
    """Log off these campaigns, or all of Dialer when the tuple is empty.

    A global log-off names no campaign at all (official log-off page: ``campaignIds`` is ``List [1,*]``
    and is left out to log off all of Dialer).
    """

    endpoint: ClassVar[Endpoint] = Endpoint.DIALER_LOG_OFF
    campaign_ids: tuple[str, ...]


# --- timers and calls -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Timer:
    """One armed timer; ``serial`` tells a re-armed timer of the same kind from a stale one."""

    kind: TimerKind
    serial: int


class CallOutcome(enum.StrEnum):
    """How a popped call ended for the agent."""

    DISPOSITIONED = "dispositioned"
    DISPOSITION_FAILED = "disposition failed"
    UNDISPOSITIONED = "undispositioned"


@dataclass(frozen=True, slots=True, kw_only=True)
class CampaignRef:
    """The campaign a report is about: its id, and its name when the agent knows it ("" otherwise)."""

    id: str
    name: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class FinishedCall:
    """One popped call as the agent finished it (exactly one per popped interaction).

    ``campaign_name`` is "" when the agent does not know it; ``preview_placed``: the agent asked Dialer
    to place this preview call (R6).
    """

    interaction_id: str
    campaign_id: str
    label: str | None
    scheduled_time: int | None
    scheduled_agent: str | None
    outcome: CallOutcome
    campaign_name: str = ""
    preview_placed: bool = False


# --- actions --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Action:
    """Base of what the agent asks its driver to do."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Send(Action):
    """Make this ICWS call, then feed back exactly one RequestSucceeded or RequestFailed."""

    request: Request


@dataclass(frozen=True, slots=True, kw_only=True)
class SetTimer(Action):
    """Fire ``TimerFired(timer)`` after ``delay`` seconds unless cancelled first."""

    timer: Timer
    delay: float


@dataclass(frozen=True, slots=True, kw_only=True)
class CancelTimer(Action):
    """Forget this timer; a TimerFired for it that still arrives is ignored."""

    timer: Timer


@dataclass(frozen=True, slots=True, kw_only=True)
class RecordKpi(Action):
    """One Dialer KPI sample: wait-for-pop, break-grant, logoff-grant, preview-connect or
    connect-to-disconnect.

    ``campaign``: the campaign of the call a wait-for-pop or preview-connect sample ended with.
    """

    name: str
    milliseconds: float
    campaign: CampaignRef | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ReportViolation(Action):
    """The server broke seed rule ``rule`` (e.g. "R18"); a finding, not a bot error."""

    rule: str
    detail: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ReportStepError(Action):
    """A step failed (R11): a request, or a wait that timed out (``status`` None then).

    ``campaign``: the campaign the step was for (a campaign log-in, a step on one of its calls), if
    any; ``logon_error``: the ``logonError`` code of a refused campaign log-in.
    """

    step: str
    status: int | None
    error_id: str | None
    message: str
    campaign: CampaignRef | None = None
    logon_error: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class CampaignJoined(Action):
    """The agent is in this campaign now: Dialer accepted its log-in to it (R15), or logged it in by
    itself (R13: every running campaign offered to an agent without the Logon Campaign right;
    autoLoginMessage, isLoggedIn)."""

    campaign: CampaignRef


@dataclass(frozen=True, slots=True, kw_only=True)
class CallFinished(Action):
    """A popped call is done with, dispositioned or not."""

    record: FinishedCall


@dataclass(frozen=True, slots=True, kw_only=True)
class Finished(Action):
    """The lifecycle ended; start a fresh Agent after ``restart_after`` seconds unless it is None.

    ``session_lost``: the server dropped the open session (401/410), as sessions end in a switchover.
    """

    reason: str
    restart_after: float | None = None
    session_lost: bool = False
