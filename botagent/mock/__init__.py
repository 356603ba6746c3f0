"""botagent.mock."""
