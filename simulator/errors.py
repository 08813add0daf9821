"""Errors of the simulator; all subclass `SimulatorError`."""


class SimulatorError(Exception):
    """Root error of the simulator. The message is meant for the person running it."""


class RecordingError(SimulatorError):
    """A recording file that cannot be read in the format it claims."""


class TargetRefused(SimulatorError):
    """The run was refused before it started: a non-loopback target, a bound exceeded, a broker or hub missing."""
