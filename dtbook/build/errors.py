"""The one exception a build raises: its message names the cause for a reader, never as a traceback."""


class BuildError(Exception):
    """A stage failed; the message says which and why. Nothing was published."""
