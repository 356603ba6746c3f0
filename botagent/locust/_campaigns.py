"""What the bots saw of each campaign: log-ins, calls, labels, waits, refused log-ins and step errors.

One `CampaignTally` per campaign id, in a `CampaignTallies`, is filled from the agents' own reports
(finished calls, KPI samples, step errors), so it works against a real server as against the mock. It
stays bounded (counters, labels and two `LatencyHistogram`s per campaign) and merges across Locust
workers like `RunSamples`: a worker sends what is new with each report (`to_wire`), the master adds it
(`from_wire`, `merge`).

Pure: no Locust, no gevent, no clock.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from botagent.agent import KPI_PREVIEW_CONNECT, KPI_WAIT_FOR_POP, SKIP_LABEL, CampaignRef, FinishedCall
from botagent.report import CampaignStats, EndpointStats, LatencyHistogram, was_dispositioned
from botagent.wire import CampaignLogonErrorCode, Endpoint

__all__ = ["CAMPAIGN_KPIS", "CampaignTallies", "CampaignTally", "KpiRow", "refusal_cause"]

CAMPAIGN_KPIS = (KPI_WAIT_FOR_POP, KPI_PREVIEW_CONNECT)
"""The Dialer KPIs kept per campaign: they end with one of its calls."""

KpiRow = Callable[[str, LatencyHistogram], EndpointStats]
"""Makes the report row of one KPI from its samples."""

_COUNTS = ("log_ins", "popped", "placed", "dispositioned", "rescheduled", "skipped", "step_errors")


def refusal_cause(status: int | None, error_id: str | None, logon_error: int | None) -> str:
    """Why a campaign log-in was refused: the ``logonError`` name (``CampaignStopping``), else the
    ``errorId`` or HTTP status."""
    if logon_error is not None:
        try:
            name = CampaignLogonErrorCode(logon_error).name
        except ValueError:
            return f"logonError {logon_error}"
        return "".join(word.capitalize() for word in name.split("_"))
    return error_id or f"HTTP {status}"


@dataclass(slots=True)
class CampaignTally:
    """One campaign's figures so far; ``name`` is "" until a bot learns it."""

    name: str = ""
    log_ins: int = 0
    """Times an agent got into the campaign: its own log-in, or Dialer's."""
    popped: int = 0
    placed: int = 0
    dispositioned: int = 0
    rescheduled: int = 0
    skipped: int = 0
    step_errors: int = 0
    labels: Counter[str] = field(default_factory=Counter)
    login_refusals: Counter[str] = field(default_factory=Counter)
    waits: dict[str, LatencyHistogram] = field(default_factory=dict)
    """KPI name (of `CAMPAIGN_KPIS`) -> its samples."""

    def merge(self, other: CampaignTally) -> None:
        """Add ``other``'s figures to these."""
        self.name = self.name or other.name
        for key in _COUNTS:
            setattr(self, key, getattr(self, key) + getattr(other, key))
        self.labels.update(other.labels)
        self.login_refusals.update(other.login_refusals)
        for kpi, histogram in other.waits.items():
            self.waits.setdefault(kpi, LatencyHistogram()).merge(histogram)

    def to_wire(self) -> dict[str, Any]:
        """Plain data for a worker's report."""
        return {
            "name": self.name,
            **{key: getattr(self, key) for key in _COUNTS},
            "labels": dict(self.labels),
            "login_refusals": dict(self.login_refusals),
            "waits": {kpi: histogram.to_wire() for kpi, histogram in self.waits.items()},
        }

    @classmethod
    def from_wire(cls, data: Mapping[str, Any]) -> CampaignTally:
        """The tally `to_wire` described."""
        return cls(
            name=str(data["name"]),
            **{key: int(data[key]) for key in _COUNTS},
            labels=Counter(data["labels"]),
            login_refusals=Counter(data["login_refusals"]),
            waits={kpi: LatencyHistogram.from_wire(item) for kpi, item in data["waits"].items()},
        )


class CampaignTallies:
    """Every campaign's `CampaignTally`, by campaign id."""

    def __init__(self) -> None:
        self.by_id: dict[str, CampaignTally] = {}

    def joined(self, campaign: CampaignRef) -> None:
        """Count an agent getting into ``campaign``."""
        self._tally(campaign).log_ins += 1

    def call(self, record: FinishedCall) -> None:
        """Count a call a bot finished."""
        tally = self._tally(CampaignRef(id=record.campaign_id, name=record.campaign_name))
        tally.popped += 1
        tally.placed += record.preview_placed
        if was_dispositioned(record):
            tally.dispositioned += 1
            tally.rescheduled += record.scheduled_time is not None
            tally.skipped += record.label == SKIP_LABEL
            if record.label is not None:
                tally.labels[record.label] += 1

    def kpi(self, campaign: CampaignRef, name: str, milliseconds: float) -> None:
        """Count a KPI sample that ended with one of ``campaign``'s calls."""
        if name in CAMPAIGN_KPIS:
            self._tally(campaign).waits.setdefault(name, LatencyHistogram()).add(milliseconds)

    def step_error(
        self,
        campaign: CampaignRef,
        step: str,
        status: int | None,
        error_id: str | None,
        logon_error: int | None,
    ) -> None:
        """Count a failed step of ``campaign``; a log-in the server answered with an error is a refusal."""
        tally = self._tally(campaign)
        tally.step_errors += 1
        if step == Endpoint.DIALER_LOG_IN and status is not None:
            tally.login_refusals[refusal_cause(status, error_id, logon_error)] += 1

    def merge(self, other: CampaignTallies) -> None:
        """Add every campaign of ``other`` to these."""
        for campaign_id, tally in other.by_id.items():
            self.by_id.setdefault(campaign_id, CampaignTally()).merge(tally)

    def stats(self, row: KpiRow) -> list[CampaignStats]:
        """Each campaign as `CampaignStats`, by name then id; ``row(kpi, histogram)`` makes a KPI row."""
        return sorted(
            (_stats(campaign_id, tally, row) for campaign_id, tally in self.by_id.items()),
            key=lambda stats: (stats.title.casefold(), stats.id),
        )

    def to_wire(self) -> dict[str, Any]:
        """Plain data for a worker's report: campaign id -> `CampaignTally.to_wire`."""
        return {campaign_id: tally.to_wire() for campaign_id, tally in self.by_id.items()}

    @classmethod
    def from_wire(cls, data: Mapping[str, Any]) -> CampaignTallies:
        """The tallies `to_wire` described."""
        tallies = cls()
        tallies.by_id = {campaign_id: CampaignTally.from_wire(item) for campaign_id, item in data.items()}
        return tallies

    def _tally(self, campaign: CampaignRef) -> CampaignTally:
        tally = self.by_id.setdefault(campaign.id, CampaignTally())
        tally.name = tally.name or campaign.name
        return tally

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CampaignTallies) and self.by_id == other.by_id


def _stats(campaign_id: str, tally: CampaignTally, row: KpiRow) -> CampaignStats:
    kpis: list[EndpointStats] = [row(kpi, tally.waits[kpi]) for kpi in CAMPAIGN_KPIS if kpi in tally.waits]
    return CampaignStats(
        id=campaign_id,
        name=tally.name,
        log_ins=tally.log_ins,
        popped=tally.popped,
        placed=tally.placed,
        dispositioned=tally.dispositioned,
        rescheduled=tally.rescheduled,
        skipped=tally.skipped,
        labels=dict(sorted(tally.labels.items())),
        kpis=kpis,
        login_refusals=dict(sorted(tally.login_refusals.items())),
        step_errors=tally.step_errors,
    )
