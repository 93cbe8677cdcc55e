from django.apps import AppConfig


class KbConfig(AppConfig):
    """The knowledge base and the public help center (docs/knowledge-base.md).

    A top-of-the-apps layer: it reads accounts and core and nothing below imports it, so it
    needs no extension point yet (the portal's new-ticket suggestions will be its first).
    """

    name = "anchordesk.kb"
    label = "kb"
    verbose_name = "Knowledge base"
