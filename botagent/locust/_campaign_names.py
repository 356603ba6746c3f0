"""Campaign names a profile's thresholds give, checked against the embedded mock's scenario.

Against the mock the campaigns are known before the run (its scenario), so a name under
``thresholds.campaigns`` that the scenario lacks is a profile error with a did-you-mean. A real
server's campaigns are known only from what its agents see; the summary warns about a name no agent
saw. The mock package is imported here only when the target is the mock, as in `_target`.
"""

from __future__ import annotations

from botagent.profile import Profile, campaign_name_hint

__all__ = ["unknown_campaign_names"]


def unknown_campaign_names(profile: Profile) -> list[str]:
    """One line per ``thresholds.campaigns`` key that is neither the name nor the id of a campaign
    of the mock's scenario (the profile's ``mock_scenario``, or the default one)."""
    from botagent.mock import default_scenario, load_scenario  # the mock's target only

    scenario = load_scenario(profile.mock_scenario) if profile.mock_scenario else default_scenario()
    names = tuple(campaign.name for campaign in scenario.campaigns)
    known = {key for campaign in scenario.campaigns for key in (campaign.name, campaign.id)}
    return [
        f"thresholds.campaigns[{key!r}]: no such campaign in the mock's scenario; "
        f'{campaign_name_hint(key, names)} (got "{key}")'
        for key in profile.thresholds.campaigns
        if key != "*" and key not in known
    ]
