"""Licences: the agent acquires the plan's licences right after the session opens and before the Dialer
log-in, and a licence not acquired stops it (official pages: "The Licenses namespace is also very
important, for acquiring the licenses that are required for certain operations" — getting-started
page; ``isAvailable`` false means not acquired, ``licenseStatus`` says why — licenses page; "If any one
of these steps fails, do not let the application proceed" — basic Dialer flow)."""

from __future__ import annotations

import pytest
from agent_harness import LICENCES, Harness

from botagent.agent import (
    AcquireLicences,
    AgentState,
    CloseSession,
    DialerLogIn,
    IllegalAction,
    LicencesAcquired,
    OpenSession,
    RequestSucceeded,
)
from botagent.wire import LicenseOperationResult, LicenseStatus

S = AgentState
DIALER_LICENCE = LICENCES[1]


def _opened(**plan: object) -> Harness:
    h = Harness(licences=LICENCES, on_error="restart", **plan)  # type: ignore[arg-type]
    h.start()
    h.succeed()
    return h


def test_licences_when_the_session_opens_are_acquired_before_the_dialer_log_in() -> None:
    """Licences right after the connection, before any Dialer call (official getting-started page)."""
    h = _opened()

    assert h.state is S.ACQUIRING_LICENCES
    assert h.expect(AcquireLicences).names == LICENCES
    h.succeed()
    assert h.expect(DialerLogIn).campaign_id is None
    assert [type(r).__name__ for r in h.sent] == ["OpenSession", "AcquireLicences", "DialerLogIn"]
    assert h.step_errors() == []


def test_licences_when_the_plan_names_none_are_not_requested() -> None:
    """An empty list acquires nothing: ``licenseList`` is ``List [1,*]`` (official licenses page)."""
    h = Harness()
    h.start()
    h.succeed()

    assert h.requests(AcquireLicences) == []
    assert h.expect(DialerLogIn)


def test_licence_when_refused_is_a_step_error_naming_it_and_its_status_and_the_agent_stops() -> None:
    """A licence with ``isAvailable`` false was not acquired; ``licenseStatus`` and ``errorDetails`` say
    why (official licenses page). The agent sends no Dialer call, closes its session and does not start
    over, even under a restart policy: the same server would refuse again."""
    h = _opened()
    h.refused[DIALER_LICENCE] = LicenseStatus.UNAVAILABLE
    h.succeed()

    [error] = h.step_errors()
    assert error.step == "acquire licences"
    assert error.message == (
        f"{DIALER_LICENCE} not acquired: licenseStatus 4 (unavailable), "
        f"errorDetails '{DIALER_LICENCE} is not available.'"
    )
    assert h.requests(DialerLogIn) == []
    assert h.expect(CloseSession)
    h.succeed()
    assert h.state is S.ERROR
    assert h.finished is not None and h.finished.restart_after is None
    assert h.finished.reason.startswith("acquire licences failed: I3_ACCESS_DIALER_ADDON not acquired")


def test_licences_when_several_are_refused_are_all_named_in_one_step_error() -> None:
    """Each licence asked for is checked; one the answer leaves out was not acquired either (official
    licenses page: a licence that does not exist is only reported as not acquired)."""
    h = _opened()
    h.refused[LICENCES[0]] = LicenseStatus.NOT_ASSIGNED
    h.refused[DIALER_LICENCE] = None
    h.succeed()

    [error] = h.step_errors()
    assert error.message.startswith(f"{LICENCES[0]} not acquired: licenseStatus 3 (not assigned)")
    assert error.message.endswith(f"; {DIALER_LICENCE} not acquired: the answer does not list it")
    assert h.expect(CloseSession)


def test_licence_when_the_status_is_not_a_known_value_names_the_number() -> None:
    """Only ``unknownError`` 0 of the licenseStatus enum is readable on the official licenses page; a
    value outside the known ones is reported as its number."""
    h = _opened()
    request = h.expect(AcquireLicences)
    h.outstanding = None
    odd = LicenseOperationResult(license_name=LICENCES[0], is_available=False, license_status=42)
    ok = LicenseOperationResult(license_name=DIALER_LICENCE, is_available=True, license_status=2)
    h.feed(RequestSucceeded(request=request, status=200, result=LicencesAcquired(results=(odd, ok))))

    [error] = h.step_errors()
    assert error.message == f"{LICENCES[0]} not acquired: licenseStatus 42"


def test_licence_request_when_it_fails_is_a_step_error_of_the_endpoint_and_cleans_up() -> None:
    """A failed licences request is a failed step (R11): cleanup closes the session."""
    h = _opened()
    h.fail(status=500, error_id="error.server", message="boom")

    [error] = h.step_errors()
    assert (error.step, error.status) == ("POST /licenses", 500)
    assert h.expect(CloseSession)
    h.succeed()
    assert h.state is S.ERROR


def test_stop_when_it_comes_while_the_session_opens_closes_without_acquiring_licences() -> None:
    """A wish to leave before any licence is acquired closes the session at once."""
    h = Harness(licences=LICENCES)
    h.start()
    assert h.expect(OpenSession)
    h.stop()
    h.succeed()

    assert h.requests(AcquireLicences) == []
    assert h.expect(CloseSession)
    h.succeed()
    assert h.state is S.FINISHED


def test_licences_result_when_of_the_wrong_kind_is_refused_as_a_driver_bug() -> None:
    """The driver must answer AcquireLicences with LicencesAcquired."""
    h = _opened()
    request = h.expect(AcquireLicences)
    h.outstanding = None
    with pytest.raises(
        IllegalAction, match="AcquireLicences succeeds with LicencesAcquired, not Acknowledged"
    ):
        h.feed(RequestSucceeded(request=request, status=200))
