"""Pass/fail criteria for a run, in the spirit of k6 thresholds.

Bounds are set per endpoint (the stable names of the ICWS calls, such as ``POST /dialer/log-in``)
and per dialer KPI (``wait-for-pop``, ``break-grant``, ``logoff-grant``, ``preview-connect``,
``connect-to-disconnect``); ``"*"`` applies to every endpoint or every KPI. Times are milliseconds.

Endpoint, KPI and error-ratio limits judge the steady phase of the run by default (``phase``); calls
per agent, rule violations and the ledger judge the whole run. Besides the limits set here, every run
gets built-in checks (a Dialer log-in, a dispositioned call, no endpoint failing every request), which
``builtin_checks`` and ``expect_calls`` relax, and an explicit ``error_ratio`` on a named endpoint
exempts that endpoint from the last one.

``campaigns`` sets limits per campaign, keyed by campaign name or id (``"*"``: every campaign the run
saw), judged over the whole run from what the bots saw: calls popped, calls not dispositioned, the
campaign's wait-for-pop and preview-connect, and refused campaign log-ins.
"""

from __future__ import annotations

import difflib
from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from botagent.agent import KPI_NAMES, KPI_PREVIEW_CONNECT, KPI_WAIT_FOR_POP
from botagent.wire import CLIENT_ENDPOINTS

from ._base import ProfileModel

__all__ = [
    "CAMPAIGN_KPI_NAMES",
    "ENDPOINT_NAMES",
    "KPI_NAMES",
    "Bounds",
    "CallsPerAgent",
    "CampaignBounds",
    "MinCalls",
    "Thresholds",
    "campaign_name_hint",
]

ENDPOINT_NAMES: tuple[str, ...] = tuple(endpoint.value for endpoint in CLIENT_ENDPOINTS)
"""The endpoint names thresholds may name: those the bot's session calls."""


def _known(kind: str, names: tuple[str, ...]) -> AfterValidator:
    def check(name: str) -> str:
        if name != "*" and name not in names:
            raise ValueError(f"unknown {kind} name; {_hint(name, ('*', *names))}")
        return name

    return AfterValidator(check)


def _hint(name: str, known: tuple[str, ...]) -> str:
    """``did you mean 'X'?`` for the closest known name (case aside), else the list of known names."""
    by_folded = {known_name.casefold(): known_name for known_name in known}
    close = difflib.get_close_matches(name.casefold(), by_folded, n=1)
    if close:
        return f"did you mean {by_folded[close[0]]!r}?"
    return "known names: " + ", ".join(repr(known_name) for known_name in known)


CAMPAIGN_KPI_NAMES: tuple[str, ...] = (KPI_WAIT_FOR_POP, KPI_PREVIEW_CONNECT)
"""The KPIs a campaign has: those that end with one of its calls."""

EndpointName = Annotated[str, _known("endpoint", ENDPOINT_NAMES)]
KpiName = Annotated[str, _known("KPI", KPI_NAMES)]
CampaignKpiName = Annotated[str, _known("campaign KPI", CAMPAIGN_KPI_NAMES)]


def campaign_name_hint(name: str, known: tuple[str, ...]) -> str:
    """``did you mean 'X'?`` for the campaign name closest to ``name``, else the known names."""
    return _hint(name, known)


_Millis = Annotated[float | None, Field(ge=0, allow_inf_nan=False)]
_Ratio = Annotated[float | None, Field(ge=0, le=1)]


class Bounds(ProfileModel):
    """Upper bounds on one endpoint's or KPI's timings and failures; unset bounds are not checked."""

    p50: _Millis = Field(None, description="Maximum median, milliseconds.")
    p90: _Millis = Field(None, description="Maximum 90th percentile, milliseconds.")
    p95: _Millis = Field(None, description="Maximum 95th percentile, milliseconds.")
    p99: _Millis = Field(None, description="Maximum 99th percentile, milliseconds.")
    max: _Millis = Field(None, description="Maximum single value, milliseconds.")
    error_ratio: _Ratio = Field(None, description="Maximum failures / requests, 0..1.")
    min_count: int | None = Field(
        None, ge=0, description="Minimum number of samples (a run too short fails)."
    )


class CallsPerAgent(ProfileModel):
    """How much work each agent must have done."""

    min: float | None = Field(None, ge=0, description="Minimum dispositioned calls per agent, on average.")


class MinCalls(ProfileModel):
    """How many calls a campaign must have popped to the bots."""

    min: int | None = Field(None, ge=0, description="Minimum calls popped to the bots from the campaign.")


class CampaignBounds(ProfileModel):
    """Limits on one campaign, judged over the whole run from what the bots saw."""

    calls: MinCalls = Field(default_factory=MinCalls, description="Calls the campaign popped.")
    error_ratio: _Ratio = Field(
        None, description="Maximum calls popped but not dispositioned / calls popped, 0..1."
    )
    kpis: dict[CampaignKpiName, Bounds] = Field(
        default_factory=dict,
        description='Bounds on the campaign\'s wait-for-pop and preview-connect (ms), or "*" for both.',
        json_schema_extra={"propertyNames": {"enum": ["*", *CAMPAIGN_KPI_NAMES]}},
    )
    login_refusals: int | None = Field(
        None, ge=0, description="Maximum refused campaign log-ins (campaignLogonError and other refusals)."
    )


class Thresholds(ProfileModel):
    """What makes a run pass; a failed threshold makes the run exit non-zero."""

    abort_on_fail: bool = Field(False, description="Stop the run as soon as a threshold fails.")
    phase: Literal["steady", "all"] = Field(
        "steady",
        description="Which samples the endpoint, KPI and error-ratio limits judge: steady (from the end of "
        "the ramp-up until the test stops) or all (the whole run, ramp-up and log-off burst included). A "
        "limit with no sample in the steady phase judges the whole run and says so.",
    )
    builtin_checks: bool = Field(
        True,
        description="Check every run for a Dialer log-in, a dispositioned call and an endpoint whose every "
        "request failed; false turns these built-in checks off.",
    )
    expect_calls: bool = Field(
        True, description="The run must disposition at least one call; false for a run that expects none."
    )
    endpoints: dict[EndpointName, Bounds] = Field(
        default_factory=dict,
        description='Bounds per endpoint name, or "*" for every endpoint.',
        json_schema_extra={"propertyNames": {"enum": ["*", *ENDPOINT_NAMES]}},
    )
    kpis: dict[KpiName, Bounds] = Field(
        default_factory=dict,
        description=(
            "Bounds per KPI (wait-for-pop, break-grant, logoff-grant, preview-connect, "
            'connect-to-disconnect), or "*".'
        ),
        json_schema_extra={"propertyNames": {"enum": ["*", *KPI_NAMES]}},
    )
    error_ratio: _Ratio = Field(None, description="Maximum failed requests / all requests, 0..1.")
    calls_per_agent: CallsPerAgent = Field(default_factory=CallsPerAgent, description="Work done per agent.")
    rule_violations: int | None = Field(
        0, ge=0, description="Maximum Dialer rule violations seen by the agents (null: not checked)."
    )
    ledger_reconciles: bool = Field(
        True, description="The mock's call ledger must agree with what the agents did (mock targets only)."
    )
    campaigns: dict[Annotated[str, Field(min_length=1)], CampaignBounds] = Field(
        default_factory=dict,
        description='Limits per campaign name or id, or "*" for every campaign the run saw. Against the '
        "mock, a name its scenario lacks is a profile error.",
    )
