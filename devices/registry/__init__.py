"""The registry: teams, homes, residents and devices."""
