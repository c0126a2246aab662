"""``NotAllowed``: a move the rules refuse, with a message for the person who tried it.

In a module of its own, importing nothing of the project, so that every layer (the ground floor's models
included) raises the one exception that ``community.pages.run_action`` turns into a message.
"""


class NotAllowed(Exception):
    """A move the rules do not allow; ``message`` is for the person who tried it, shown as a message."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message
