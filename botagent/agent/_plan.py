"""How one agent behaves: what it logs in to, how long it talks, when it breaks and when it leaves.

An `AgentPlan` is plain data built from a profile. Durations are `Sampler` objects (anything with
``sample(rng) -> float`` seconds), so the agent draws every behaviour from the one seeded `Rng` it is
given and a run can be repeated.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal, Protocol

from ._state import TimerKind

__all__ = ["ANY_LABEL", "AgentPlan", "Fixed", "Rng", "Sampler"]

ANY_LABEL = "any"
"""The `AgentPlan.disposition_weights` key that spreads its weight evenly over the call's own labels."""


class Rng(Protocol):
    """The random source the agent draws from; ``random.Random`` fits."""

    def random(self) -> float: ...
    def uniform(self, a: float, b: float) -> float: ...
    def gauss(self, mu: float, sigma: float) -> float: ...
    def lognormvariate(self, mu: float, sigma: float) -> float: ...


class Sampler(Protocol):
    """A random duration in seconds (the profile's distributions fit)."""

    def sample(self, rng: Rng) -> float: ...


@dataclass(frozen=True, slots=True)
class Fixed:
    """A duration that is always ``seconds``; the plan's defaults use it."""

    seconds: float

    def sample(self, rng: Rng) -> float:
        """Return ``seconds``; ``rng`` is not used."""
        return self.seconds


def _weights(values: Mapping[str, float]) -> Mapping[str, float]:
    return MappingProxyType(dict(values))


@dataclass(frozen=True, kw_only=True)
class AgentPlan:
    """Everything that shapes one agent's behaviour. All durations are seconds.

    Raises:
        ValueError: a field is out of range; the message names the field and the value.
    """

    user_id: str
    """The agent's CIC user name (the target of ``reschedule_agent="self"``)."""
    campaigns: tuple[str, ...] = ()
    """Campaign names or ids to log in to with the Logon Campaign right; empty = every one offered."""
    licences: tuple[str, ...] = ()
    """Licences to acquire right after the session opens (official licenses page); empty: none."""
    available_status: str = "Available"
    """The status id that makes the agent available for Dialer calls (R4, R27)."""
    talk_time: Sampler = Fixed(30.0)
    preview_think_time: Sampler = Fixed(5.0)
    wrap_up_time: Sampler = Fixed(5.0)
    break_length: Sampler = Fixed(60.0)
    status_change_length: Sampler = Fixed(30.0)
    reschedule_offset: Sampler = Fixed(3600.0)
    """How far ahead of now a rescheduled call is put."""
    disposition_weights: Mapping[str, float] = field(default_factory=lambda: _weights({ANY_LABEL: 1.0}))
    """Relative weight per label; labels the call does not offer are skipped (R24); "any" = every label."""
    reschedule_probability: float = 0.0
    reschedule_agent: str = "self"
    """Owner of a rescheduled call: "self", "none" (no owner) or a user name (R26); sent only when the
    pop allows agent-owned callbacks."""
    reschedule_labels: tuple[str, ...] | None = None
    """Labels a rescheduled call may take, each only where the call gives it wrap-up category
    "Scheduled"; None: every label the call gives that category."""
    preview_skip_probability: float = 0.0
    """Chance a preview whose pop allows skipping is skipped ("Skipped - Agent Skip") after reading."""
    preview_timeout_lead: float = 1.0
    """Seconds before a preview's previewTimeout at which the agent places it by the timer, so its
    request reaches the server before the server places the call itself."""
    break_every_calls: int | None = None
    break_probability: float = 0.0
    status_change_probability: float = 0.0
    status_change_to: str = "Do Not Disturb"
    """A non-ACD status; Dialer puts the agent on break while in it (R22)."""
    logoff_after_calls: int | None = None
    logoff_after_seconds: float | None = None
    logoff_scope: Literal["all", "campaigns"] = "all"
    """"all" logs off all of Dialer; "campaigns" logs off the campaigns the agent is in (R28)."""
    login_timeout: float = 30.0
    """Deadline for breakStatusMessage and availableCampaignsMessage after the Dialer log-in (R12)."""
    pop_timeout: float = 300.0
    break_grant_timeout: float = 60.0
    logoff_grant_timeout: float = 60.0
    read_rights: bool = True
    """Read the user's own Logon Campaign right from its configuration (``GET configuration/users``),
    as production agent pages do, when the server lists the ``configuration`` feature."""
    watch_queue: bool = True
    """Watch the user's own queue to follow each Dialer call's interaction, when the server lists the
    ``queues`` and ``interactions`` features."""
    disconnect_calls: bool = True
    """Disconnect a watched call after its talk time, before its disposition, unless its pop says the
    server disconnects it on disposition (``autoDisconnectOnDisposition``)."""
    blended: bool = False
    """Pick up inbound ACD interactions alerting on the user's queue while waiting for a pop (R33);
    when false they are ignored, as a Dialer-only agent page does."""
    acd_talk_time: Sampler = Fixed(30.0)
    """Seconds connected to an ACD interaction before the agent disconnects it."""
    on_error: Literal["stop", "restart"] = "stop"
    restart_pause: float = 5.0

    def __post_init__(self) -> None:
        if not self.user_id:
            _bad("user_id", self.user_id, "must not be empty")
        for name in (
            "reschedule_probability",
            "break_probability",
            "status_change_probability",
            "preview_skip_probability",
        ):
            _check_probability(name, getattr(self, name))
        for name in ("login_timeout", "pop_timeout", "break_grant_timeout", "logoff_grant_timeout"):
            _check_positive(name, getattr(self, name))
        _check_count("break_every_calls", self.break_every_calls)
        _check_count("logoff_after_calls", self.logoff_after_calls)
        if self.logoff_after_seconds is not None:
            _check_positive("logoff_after_seconds", self.logoff_after_seconds)
        for name in ("restart_pause", "preview_timeout_lead"):
            _check_not_negative(name, getattr(self, name))
        if not all(self.licences):
            _bad("licences", self.licences, "licence names must not be empty")
        if self.reschedule_labels is not None and not all(self.reschedule_labels):
            _bad("reschedule_labels", self.reschedule_labels, "labels must not be empty")
        _check_choice("logoff_scope", self.logoff_scope, ("all", "campaigns"))
        _check_choice("on_error", self.on_error, ("stop", "restart"))
        _check_weights(self.disposition_weights)
        object.__setattr__(self, "disposition_weights", _weights(self.disposition_weights))

    def deadline(self, kind: TimerKind) -> float | None:
        """The seconds a wait of ``kind`` may last (R11); None for a timer that is not a deadline."""
        deadlines = {
            TimerKind.LOGIN_MESSAGES: self.login_timeout,
            TimerKind.POP: self.pop_timeout,
            TimerKind.BREAK_GRANT: self.break_grant_timeout,
            TimerKind.LOGOFF_GRANT: self.logoff_grant_timeout,
        }
        return deadlines.get(kind)

    def timer_delay(self, kind: TimerKind, rng: Rng) -> float:
        """The seconds a state timer of ``kind`` runs: its deadline, or a behaviour drawn from ``rng``."""
        deadline = self.deadline(kind)
        if deadline is not None:
            return deadline
        behaviours = {
            TimerKind.THINK: self.preview_think_time,
            TimerKind.TALK: self.talk_time,
            TimerKind.ACD_TALK: self.acd_talk_time,
            TimerKind.WRAP_UP: self.wrap_up_time,
            TimerKind.BREAK: self.break_length,
            TimerKind.AWAY: self.status_change_length,
        }
        return max(0.0, behaviours[kind].sample(rng))


def _bad(name: str, value: object, problem: str) -> None:
    raise ValueError(f"AgentPlan.{name}: {problem} (got {value!r})")


def _check_probability(name: str, value: float) -> None:
    if not 0.0 <= value <= 1.0:
        _bad(name, value, "must be between 0 and 1")


def _check_positive(name: str, value: float) -> None:
    if not (math.isfinite(value) and value > 0):
        _bad(name, value, "must be > 0")


def _check_not_negative(name: str, value: float) -> None:
    if not math.isfinite(value) or value < 0:
        _bad(name, value, "must be >= 0")


def _check_count(name: str, value: int | None) -> None:
    if value is not None and value < 1:
        _bad(name, value, "must be >= 1 or None")


def _check_choice(name: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        _bad(name, value, f"must be one of {', '.join(allowed)}")


def _check_weights(weights: Mapping[str, float]) -> None:
    if any(not (math.isfinite(w) and w >= 0) for w in weights.values()):
        _bad("disposition_weights", dict(weights), "weights must be >= 0")
    if sum(weights.values()) <= 0:
        _bad("disposition_weights", dict(weights), "needs at least one weight > 0")
