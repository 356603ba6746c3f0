"""Who broke the lifecycle: the bot itself (`IllegalAction`) or the server (`RuleViolation`)."""

from __future__ import annotations

from botagent.wire import BotagentError

__all__ = ["IllegalAction", "RuleViolation"]


class IllegalAction(RuntimeError):
    """The driver fed an event the lifecycle forbids in this state: a bug in botagent.

    `Agent.handle` raises it and moves the agent to ERROR for good; every later event raises again.
    """

    def __init__(self, state: object, event: object, why: str) -> None:
        self.state = state
        self.event = event
        self.why = why
        super().__init__(f"{event!r} in state {state}: {why}")


class RuleViolation(BotagentError):
    """The server broke seed rule ``rule`` (e.g. "R18"): a finding about the server, not a bot bug.

    The agent reports it as a `ReportViolation` action and keeps going; it only stops (through its
    failure cleanup, ending in ERROR) when going on would make the agent break a rule itself.
    """

    def __init__(self, rule: str, detail: str) -> None:
        self.rule = rule
        self.detail = detail
        super().__init__(f"{rule}: {detail}")
