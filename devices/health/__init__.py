"""Device health: last seen, battery, link quality, availability; offline and low-battery checks that raise
technical alerts for technicians."""
