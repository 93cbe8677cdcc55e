"""Email channel. The parser is pure; the Django app lives in the other modules.

Only the parser API is exported here, and nothing in it imports Django, so
`from anchordesk.mail import parse` works without settings.
"""

from .parsing import Attachment, ParsedMessage, parse
from .quotes import extract_reply
from .threads import normalize_subject, rebuild_parents

__all__ = ["Attachment", "ParsedMessage", "extract_reply", "normalize_subject", "parse", "rebuild_parents"]
