"""RetryPolicy: which failures are retried, and after how long."""

from __future__ import annotations

import pytest

from botagent.icws import NO_RETRY, REPEATABLE_ENDPOINTS, RetryPolicy
from botagent.wire import (
    BadRequest,
    IcwsError,
    IcwsTimeout,
    IcwsTransportError,
    ServerError,
    ServiceUnavailable,
)

DISPOSITION = "POST /dialer/disposition"
READY = "POST /dialer/ready-for-calls"


def _unavailable(retry_after: float | None) -> ServiceUnavailable:
    return ServiceUnavailable("busy", endpoint=DISPOSITION, status=503, retry_after=retry_after)


def test_delay_when_503_has_retry_after_waits_that_long_for_any_endpoint() -> None:
    assert RetryPolicy().delay(DISPOSITION, _unavailable(1.5), attempt=1) == 1.5


def test_delay_when_503_has_no_retry_after_backs_off_doubling() -> None:
    policy = RetryPolicy(attempts=4, pause=0.25)
    assert [policy.delay(DISPOSITION, _unavailable(None), attempt=n) for n in (1, 2, 3)] == [0.25, 0.5, 1.0]


def test_delay_when_retry_after_exceeds_max_wait_gives_up() -> None:
    assert RetryPolicy(max_wait=2).delay(DISPOSITION, _unavailable(30), attempt=1) is None


def test_delay_when_attempts_are_used_up_gives_up() -> None:
    assert RetryPolicy(attempts=2).delay(READY, _unavailable(0.1), attempt=2) is None
    assert NO_RETRY.delay(READY, _unavailable(0.1), attempt=1) is None


UNKNOWN_OUTCOMES = [
    IcwsTransportError("reset"),
    IcwsTimeout("slow"),
    ServerError("x", endpoint=READY, status=500),
]


@pytest.mark.parametrize("error", UNKNOWN_OUTCOMES)
def test_delay_when_outcome_is_unknown_retries_repeatable_endpoints_only(error: IcwsError) -> None:
    policy = RetryPolicy(pause=0.1)
    assert policy.delay(READY, error, attempt=1) == 0.1
    unsafe = (DISPOSITION, "POST /dialer/place-preview-call", "POST /dialer/log-in", "POST /dialer/log-off")
    for endpoint in unsafe:
        assert endpoint not in REPEATABLE_ENDPOINTS
        assert policy.delay(endpoint, error, attempt=1) is None


def test_delay_when_licences_got_no_answer_retries_since_acquiring_again_has_no_effect() -> None:
    """licenses: "If the license has already been acquired, there is no effect."
    (https://help.genesys.com/developer/cic/docs/icws/webhelp/icws/(sessionId)/licenses/index.htm)"""
    policy = RetryPolicy(pause=0.1)
    assert policy.delay("POST /licenses", IcwsTimeout("slow"), attempt=1) == 0.1


def test_delay_when_server_refused_the_request_never_retries() -> None:
    refused = BadRequest("bad", endpoint=READY, status=400)
    assert RetryPolicy().delay(READY, refused, attempt=1) is None


def test_delay_when_reading_messages_never_retries() -> None:
    for endpoint in ("GET /messaging/messages", "GET /messaging/messages (sse)"):
        assert RetryPolicy().delay(endpoint, _unavailable(0.1), attempt=1) is None


def test_policy_when_attempts_below_one_names_the_field() -> None:
    with pytest.raises(ValueError, match="attempts"):
        RetryPolicy(attempts=0)


def test_delay_when_the_connection_request_gets_503_with_alternates_leaves_it_to_them() -> None:
    """Seed reference 1.1: a 503 to ``POST /icws/connection`` names ``alternateHostList``; the session
    follows those hosts instead of asking the same one again. Other calls retry a 503 as before."""
    error = ServiceUnavailable("backup", endpoint="POST /connection", status=503, alternate_hosts=("cic2",))
    policy = RetryPolicy(attempts=3)
    assert policy.delay("POST /connection", error, 1) is None
    assert policy.delay("POST /dialer/disposition", error, 1) == policy.pause
