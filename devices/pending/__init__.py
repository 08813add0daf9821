"""Pending devices: devices that announced themselves and wait for a technician to claim them."""
