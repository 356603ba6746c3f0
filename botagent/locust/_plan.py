"""From a profile to the plan of one agent."""

from __future__ import annotations

from botagent.agent import AgentPlan
from botagent.profile import Profile

__all__ = ["build_plan"]


def build_plan(profile: Profile, user_id: str) -> AgentPlan:
    """The agent plan of one identity under the profile."""
    behaviour = profile.behaviour
    timeouts = profile.timeouts
    return AgentPlan(
        user_id=user_id,
        campaigns=tuple(profile.campaigns),
        licences=tuple(profile.licences),
        talk_time=behaviour.talk_time,
        preview_think_time=behaviour.preview_think_time,
        wrap_up_time=behaviour.wrap_up_time,
        break_length=behaviour.breaks.length,
        status_change_length=behaviour.status_changes.length,
        reschedule_offset=behaviour.reschedule.offset,
        disposition_weights=dict(behaviour.dispositions),
        reschedule_probability=behaviour.reschedule.probability,
        reschedule_agent=behaviour.reschedule.agent,
        reschedule_labels=None if behaviour.reschedule.labels is None else tuple(behaviour.reschedule.labels),
        preview_skip_probability=behaviour.preview.skip_probability,
        break_every_calls=behaviour.breaks.every_calls,
        break_probability=behaviour.breaks.probability,
        status_change_probability=behaviour.status_changes.probability,
        status_change_to=behaviour.status_changes.status,
        logoff_after_calls=behaviour.logoff.after_calls,
        logoff_after_seconds=behaviour.logoff.after_time,
        logoff_scope=behaviour.logoff.scope,
        login_timeout=timeouts.request * 3,
        pop_timeout=timeouts.pop,
        break_grant_timeout=timeouts.break_grant,
        logoff_grant_timeout=timeouts.logoff_grant,
        read_rights=behaviour.calls.read_rights,
        watch_queue=behaviour.calls.watch_queue,
        disconnect_calls=behaviour.calls.disconnect,
        blended=behaviour.blended.enabled,
        acd_talk_time=behaviour.blended.talk_time,
        on_error=profile.on_error.policy,
        restart_pause=profile.on_error.pause,
    )
