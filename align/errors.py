"""The one exception family the command line turns into a one-line message.

Each stage raises a subclass with a message a user can act on; the CLI catches ``AlignError``
without importing the stages (and their libraries) just to name their exceptions.
"""


class AlignError(Exception):
    """A failure to report as one line, never as a traceback."""
