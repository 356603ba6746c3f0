"""botagent.profile."""
