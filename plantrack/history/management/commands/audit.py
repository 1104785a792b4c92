"""``plantrack audit …``: the same command as ``plantrack history …``."""

from .history import Command  # noqa: F401
