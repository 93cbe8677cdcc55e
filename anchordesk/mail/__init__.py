"""Email channel. The parser is pure; the Django app lives in the other modules.

Only the parser API is exported here, and nothing in it imports Django, so
`from anchordesk.mail import parse` works without settings.
"""

from .parsing import Attachment, ParsedMessage, parse
from .quotes import extract_reply

__all__ = ["Attachment", "ParsedMessage", "extract_reply", "parse"]
