"""The agent's requests carried out on an ICWS session: one table from each `Request` to its session call,
and the `RequestSucceeded` or `RequestFailed` the agent learns from it.

Neither Locust nor gevent is imported here, so a driver outside Locust (a test's, on plain threads)
sends requests exactly as the Locust driver does.
"""

from __future__ import annotations

from collections.abc import Callable

from botagent.agent import (
    Acknowledged,
    AcquireLicences,
    CloseSession,
    DialerLogIn,
    DialerLogOff,
    DisconnectCall,
    EndBreak,
    LicencesAcquired,
    OpenSession,
    PickUpInteraction,
    PlacePreviewCall,
    ReadRights,
    ReadyForCalls,
    Request,
    RequestBreak,
    RequestFailed,
    RequestResult,
    RequestSucceeded,
    RightsRead,
    SessionOpened,
    SetStatus,
    StatusSet,
    SubmitDisposition,
    WatchQueue,
)
from botagent.icws import Session
from botagent.wire import ConnectionResponse, IcwsError, IcwsStatusError

__all__ = ["send_request"]


def send_request(
    session: Session,
    request: Request,
    opened: Callable[[ConnectionResponse], None] | None = None,
) -> RequestSucceeded | RequestFailed:
    """Make the session call for ``request`` and say how it went, as the agent expects to hear it.

    Args:
        session: the agent's session.
        request: what the agent asked for.
        opened: called with the connection response once an `OpenSession` succeeded.
    """
    try:
        result = _call(session, request, opened)
    except IcwsStatusError as exc:
        return RequestFailed(
            request=request,
            status=exc.status,
            error_id=exc.error_id,
            message=exc.message,
            logon_error=exc.logon_error,
        )
    except IcwsError as exc:
        return RequestFailed(request=request, status=None, error_id=None, message=str(exc))
    status = session.last_status
    assert status is not None, "every request the agent sends is at least one HTTP call"
    return RequestSucceeded(request=request, status=status, result=result)


def _call(
    session: Session, request: Request, opened: Callable[[ConnectionResponse], None] | None
) -> RequestResult:
    """Make the session call for ``request``; return its result as the agent types it."""
    match request:
        case OpenSession():
            connection = session.open()
            if opened is not None:
                opened(connection)
            return SessionOpened(features=session.features())
        case AcquireLicences(names=names):
            return LicencesAcquired(results=tuple(session.acquire_licenses(names)))
        case CloseSession():
            session.close()
        case DialerLogIn(campaign_id=campaign_id):
            session.dialer_log_in(campaign_id)
        case ReadyForCalls(campaign_ids=campaign_ids):
            session.ready_for_calls(campaign_ids)
        case SetStatus(status_id=status_id):
            return StatusSet(accepted=session.set_status(status_id))
        case PlacePreviewCall(initiated_by_timer=by_timer):
            session.place_preview_call(call_initiated_by_timer=True if by_timer else None)
        case SubmitDisposition(label=label, scheduled_time=scheduled_time, scheduled_agent=scheduled_agent):
            session.disposition(label, scheduled_time=scheduled_time, scheduled_agent=scheduled_agent)
        case RequestBreak():
            session.request_break()
        case EndBreak():
            session.end_break()
        case DialerLogOff(campaign_ids=campaign_ids):
            session.dialer_log_off(campaign_ids)
        case ReadRights():
            rights = session.configuration_user().security_rights
            login_campaign = rights.login_campaign if rights is not None else None
            return RightsRead(logon_campaign=login_campaign.effective_value if login_campaign else None)
        case WatchQueue(subscription_id=subscription_id, attribute_names=attribute_names):
            session.subscribe_user_queue(subscription_id, attribute_names)
        case DisconnectCall(interaction_id=interaction_id):
            session.disconnect_interaction(interaction_id)
        case PickUpInteraction(interaction_id=interaction_id):
            session.pickup_interaction(interaction_id)
        case _:
            raise TypeError(f"no session call carries out {request!r}")
    return Acknowledged()
