"""Readings: the narrow time series (ts, device, metric, value), its hourly rollup and retention."""
