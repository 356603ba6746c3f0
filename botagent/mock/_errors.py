"""Errors of the mock: a bad scenario, and a request the simulated server refuses.

``EngineError`` is how the Dialer engine says "no": it carries the HTTP status and the ICWS error body
(``errorId``, ``message``, and for property errors ``propertyName``). The engine raises it before it
changes any state, so a refused request leaves everything as it was.
"""

from __future__ import annotations

from typing import Any, Final

from botagent.wire import ErrorBody, ProfileError

__all__ = [
    "CAMPAIGN_LOGON_ERROR",
    "INVALID_PROPERTY_ERROR",
    "MISSING_PROPERTY_ERROR",
    "EngineError",
    "ErrorIds",
    "ScenarioError",
]

MISSING_PROPERTY_ERROR: Final = "urn:inin.com:common:missingPropertyError"
INVALID_PROPERTY_ERROR: Final = "urn:inin.com:common:invalidPropertyError"
CAMPAIGN_LOGON_ERROR: Final = "urn:inin.com:dialer:campaignLogonError"


class ScenarioError(ProfileError):
    """A scenario file or object is invalid; the message has one line per problem.

    It is a ``BotagentError`` and a ``ValueError`` (through ``ProfileError``), so callers can catch
    either.
    """


class ErrorIds:
    """The ICWS ``errorId`` strings the mock answers with."""

    INVALID_REPRESENTATION: Final = "error.request.invalidRepresentation"
    MISSING_PROPERTY: Final = "error.request.missingProperty"
    INVALID_PROPERTY: Final = "error.request.invalidProperty"
    UNSUPPORTED_MEDIA_TYPE: Final = "error.request.unsupportedMediaType"
    NOT_FOUND: Final = "error.request.notFound"
    METHOD_NOT_ALLOWED: Final = "error.request.methodNotAllowed"
    NOT_IMPLEMENTED: Final = "error.request.notImplemented"
    ACCESS_DENIED: Final = "error.request.accessDenied"
    INTERNAL: Final = "error.server.internal"
    AUTHENTICATION_FAILURE: Final = "error.request.connection.authenticationFailure"
    ACCEPT_LANGUAGE_REQUIRED: Final = "error.request.connection.acceptLanguageRequired"
    UNSUPPORTED_AUTHENTICATION: Final = "error.request.connection.unsupportedAuthentication"
    INVALID_SESSION: Final = "error.request.connection.invalidSession"
    SESSION_GONE: Final = "error.request.connection.sessionGone"
    INVALID_CSRF_TOKEN: Final = "error.request.connection.invalidCsrfToken"
    INVALID_SESSION_COOKIE: Final = "error.request.connection.invalidSessionCookie"
    NO_STATION: Final = "error.request.connection.noStation"
    UNKNOWN_USER: Final = "error.request.status.unknownUser"
    INVALID_STATUS: Final = "error.request.status.invalidStatus"
    NOT_LOGGED_IN: Final = "error.request.dialer.notLoggedIn"
    NO_DIALER_LICENSE: Final = "error.request.dialer.noDialerLicense"
    ALREADY_LOGGED_IN_ELSEWHERE: Final = "error.request.dialer.alreadyLoggedInElsewhere"
    CAMPAIGN_LOGON: Final = "error.request.dialer.campaignLogonFailed"
    UNKNOWN_CAMPAIGN: Final = "error.request.dialer.unknownCampaign"
    NOT_LOGGED_IN_TO_CAMPAIGN: Final = "error.request.dialer.notLoggedInToCampaign"
    NO_CURRENT_CALL: Final = "error.request.dialer.noCurrentCall"
    INVALID_DISPOSITION_LABEL: Final = "error.request.dialer.invalidDispositionLabel"
    INVALID_SCHEDULED_TIME: Final = "error.request.dialer.invalidScheduledTime"
    INVALID_SCHEDULED_AGENT: Final = "error.request.dialer.invalidScheduledAgent"
    AGENT_CALLBACKS_NOT_ALLOWED: Final = "error.request.dialer.agentCallbacksNotAllowed"
    NOT_PREVIEW_CALL: Final = "error.request.dialer.notPreviewCall"
    CALL_ALREADY_PLACED: Final = "error.request.dialer.callAlreadyPlaced"
    UNKNOWN_CALL: Final = "error.request.dialer.unknownCall"
    NOT_SIMULATED: Final = "error.request.dialer.notSimulated"
    LOGON_CAMPAIGN_RIGHT_REQUIRED: Final = "error.request.dialer.logonCampaignRightRequired"
    PREVIEW_NOT_PLACED: Final = "error.request.dialer.previewNotPlaced"
    NOT_A_SCHEDULED_DISPOSITION: Final = "error.request.dialer.notAScheduledDisposition"
    UNKNOWN_FEATURE: Final = "error.request.connection.unknownFeature"
    REQUEST_TOO_LARGE: Final = "error.request.entityTooLarge"
    UNKNOWN_FAULT: Final = "error.request.mock.unknownFault"
    NOT_A_PAIR: Final = "error.request.mock.notASwitchoverPair"
    SERVICE_UNAVAILABLE: Final = "error.server.unavailable"


class EngineError(Exception):
    """The simulated server refuses a request; nothing was changed.

    Attributes:
        status: the HTTP status to answer with.
        error_id: the ICWS ``errorId``.
        message: the human-readable ICWS ``message``.
        property_name: the offending body property, for property errors.
        error_type: the ``__type`` of the error body, when it is a subtype of the common error
            (``invalidPropertyError`` by default when ``property_name`` is given).
        logon_error: the ``CampaignLogonErrorCode`` for campaign log-in failures.
        alternate_hosts: the ``alternateHostList`` of a 503 to the connection request, when given.
    """

    def __init__(
        self,
        status: int,
        error_id: str,
        message: str,
        *,
        property_name: str | None = None,
        error_type: str | None = None,
        logon_error: int | None = None,
        alternate_hosts: tuple[str, ...] | None = None,
    ) -> None:
        super().__init__(f"{status} {error_id}: {message}")
        self.alternate_hosts = alternate_hosts
        self.status = status
        self.error_id = error_id
        self.message = message
        self.property_name = property_name
        self.error_type = error_type or (INVALID_PROPERTY_ERROR if property_name else None)
        self.logon_error = logon_error

    @classmethod
    def missing_property(cls, name: str, message: str | None = None) -> EngineError:
        """Build the 400 for a required body property that is absent."""
        text = message or f"The property '{name}' is required."
        return cls(
            400, ErrorIds.MISSING_PROPERTY, text, property_name=name, error_type=MISSING_PROPERTY_ERROR
        )

    @classmethod
    def invalid_property(cls, name: str, message: str) -> EngineError:
        """Build the 400 for a body property whose value is wrong."""
        return cls(
            400, ErrorIds.INVALID_PROPERTY, message, property_name=name, error_type=INVALID_PROPERTY_ERROR
        )

    def body(self) -> dict[str, Any]:
        """Return the ICWS error body as a JSON-ready dict."""
        body = ErrorBody(
            type=self.error_type,
            error_id=self.error_id,
            message=self.message,
            property_name=self.property_name,
            logon_error=self.logon_error,
        ).to_wire()
        if self.alternate_hosts is not None:
            body["alternateHostList"] = list(self.alternate_hosts)
        return body
