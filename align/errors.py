"""The one exception family the command line turns into a one-line message.

Each stage raises a subclass with a message a user can act on; the CLI catches ``AlignError``
without importing the stages (and their libraries) just to name their exceptions.
"""


class AlignError(Exception):
    """A failure to report as one line, never as a traceback.

    ``exit_code`` follows the usual Unix split: 1 when the work failed, 2 when the request itself
    was refused (bad arguments, an output path the tool will not touch).
    """

    exit_code = 1
