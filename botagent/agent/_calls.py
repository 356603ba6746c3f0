"""The calls an agent holds, and how it picks a disposition for one (R24-R26)."""

from __future__ import annotations

from dataclasses import dataclass

from botagent.wire import DataPopCall, PreviewPopCall

from ._actions import CallOutcome, FinishedCall, SubmitDisposition
from ._plan import ANY_LABEL, AgentPlan, Rng

__all__ = ["HeldCall", "choose_disposition", "choose_label", "first_label_disposition", "is_placed"]


@dataclass(slots=True)
class HeldCall:
    """A popped call from its pop until it is finished; mutable bookkeeping only the agent sees."""

    call: DataPopCall | PreviewPopCall
    popped_at: float
    placed: bool
    disposition: SubmitDisposition | None = None
    place_sent_at: float | None = None
    connect_recorded: bool = False

    @property
    def interaction_id(self) -> str:
        return self.call.interaction_id

    @property
    def campaign_id(self) -> str:
        return self.call.campaign_id

    @property
    def open(self) -> bool:
        """True until a disposition for it has been sent."""
        return self.disposition is None

    def record(self, outcome: CallOutcome) -> FinishedCall:
        """The `FinishedCall` of this call ending with ``outcome``."""
        sent = self.disposition if outcome is not CallOutcome.UNDISPOSITIONED else None
        return FinishedCall(
            interaction_id=self.interaction_id,
            campaign_id=self.campaign_id,
            label=sent.label if sent else None,
            scheduled_time=sent.scheduled_time if sent else None,
            scheduled_agent=sent.scheduled_agent if sent else None,
            outcome=outcome,
        )


def is_placed(call: DataPopCall | PreviewPopCall) -> bool:
    """True when Dialer has dialed the call already: every data pop (R7), a preview once placed."""
    return isinstance(call, DataPopCall) or call.call_placed


def choose_label(weights: dict[str, float] | None, labels: list[str], rng: Rng) -> str:
    """Draw one of ``labels`` by weight; the "any" weight is shared evenly by all labels.

    Labels the plan weighs but the call does not offer are skipped (R24). When no offered label has
    weight, every label is equally likely. ``labels`` must not be empty.
    """
    shares = dict.fromkeys(labels, 0.0)
    for label, weight in (weights or {}).items():
        if label == ANY_LABEL:
            for offered in shares:
                shares[offered] += weight / len(labels)
        elif label in shares:
            shares[label] += weight
    total = sum(shares.values())
    if total <= 0:
        shares, total = dict.fromkeys(labels, 1.0), float(len(labels))
    point = rng.random() * total
    for label, share in shares.items():
        point -= share
        if point < 0:
            return label
    return labels[-1]


def choose_disposition(plan: AgentPlan, rng: Rng, held: HeldCall, now: float) -> SubmitDisposition:
    """Draw the label, then whether to reschedule and when (R25) and for whom (R26)."""
    label = choose_label(dict(plan.disposition_weights), held.call.labels, rng)
    if plan.reschedule_probability <= 0 or rng.random() >= plan.reschedule_probability:
        return SubmitDisposition(label=label)
    scheduled_time = int(now + plan.reschedule_offset.sample(rng))
    return SubmitDisposition(label=label, scheduled_time=scheduled_time, scheduled_agent=_owner(plan))


def _owner(plan: AgentPlan) -> str | None:
    if plan.reschedule_agent == "none":
        return None
    return plan.user_id if plan.reschedule_agent == "self" else plan.reschedule_agent


def first_label_disposition(held: HeldCall) -> SubmitDisposition:
    """The cleanup disposition: the call's first label, no reschedule."""
    return SubmitDisposition(label=held.call.labels[0])
