"""Alerts: stream rules and periodic checks that raise alerts, the alert lifecycle, notification channels.
Not built yet: see the issue tracker."""
