"""Replay of real smart-home recordings (CASAS, van Kasteren, Ordóñez) as a home of the hub."""
