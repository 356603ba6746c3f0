"""What a request returns when it succeeds: one small frozen record per kind of answer.

Every request declares the result it answers with (``Request.result_type``): `SessionOpened` for
`OpenSession`, `LicencesAcquired` for `AcquireLicences`, `StatusSet` for `SetStatus`, `RightsRead` for
`ReadRights`, `Acknowledged` for every other request. A driver builds the
result from the session call it made, and the agent refuses a result of the wrong kind for its request
(`IllegalAction`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from botagent.wire import AsyncRequest, LicenseOperationResult

__all__ = ["Acknowledged", "LicencesAcquired", "RequestResult", "RightsRead", "SessionOpened", "StatusSet"]


@dataclass(frozen=True, slots=True, kw_only=True)
class RequestResult:
    """Base of what a successful request returns."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Acknowledged(RequestResult):
    """The server did what was asked and the answer carries nothing the agent uses."""


@dataclass(frozen=True, slots=True, kw_only=True)
class StatusSet(RequestResult):
    """The answer to `SetStatus`.

    ``accepted`` is the body of a 202 answer: the request id whose completion (or error) arrives later
    as an asyncOperationCompletedMessage. It is None when the server answered without a body.
    """

    accepted: AsyncRequest | None


@dataclass(frozen=True, slots=True, kw_only=True)
class SessionOpened(RequestResult):
    """The answer to `OpenSession`: the server's feature versions, feature id -> version.

    A feature the server does not list is one it does not support (official Versioning page), so the
    agent checks here, before using them, that the server has the Dialer calls it is about to make.
    """

    features: Mapping[str, int]


@dataclass(frozen=True, slots=True, kw_only=True)
class LicencesAcquired(RequestResult):
    """The answer to `AcquireLicences`: one result per licence, acquired (``is_available``) or not.

    The request succeeds (200) even when a licence was not acquired (official licenses page), so the
    agent checks every licence it asked for here.
    """

    results: tuple[LicenseOperationResult, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class RightsRead(RequestResult):
    """The answer to `ReadRights`: the user's own Logon Campaign right.

    ``logon_campaign`` is ``securityRights.loginCampaign.effectiveValue`` of the configuration user
    (None when the answer did not carry it).
    """

    logon_campaign: bool | None
