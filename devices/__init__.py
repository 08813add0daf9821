"""Devices: the catalogue of kinds and metrics, payload adapters, the registry (teams, homes, residents,
devices), readings and dead letters."""
