"""Email channel. The parser is pure; the Django app lives in the other modules."""
