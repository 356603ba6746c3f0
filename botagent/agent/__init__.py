"""botagent.agent."""
