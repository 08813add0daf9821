"""Simulator: homes with residents and devices that publish real payload formats, ground truth, load tests."""
