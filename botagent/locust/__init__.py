"""botagent.locust."""
