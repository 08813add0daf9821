"""Analytics: per-resident daily features, the baseline/anomaly model, follow-up flags, usage statistics.
Pure computation over arrays: no I/O, no framework. Not built yet: see the issue tracker."""
