"""Policies: versioned rules that decide requests the same way whoever asks. `engine` is the
pure rule language and evaluator; the Django app will be added to this package."""
