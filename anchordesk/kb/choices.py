from django.db import models


class Visibility(models.TextChoices):
    PUBLIC = "public", "Everyone"
    AGENTS = "agents", "Agents only"
    ORGANIZATION = "organization", "One organization"


class ArticleState(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    PUBLISHED = "published", "Published"


class Language(models.TextChoices):
    EN = "en", "English"
    FR = "fr", "Français"
    DE = "de", "Deutsch"
    ES = "es", "Español"
    PT = "pt", "Português"


class EventKind:
    """Audit event kinds written by kb/actions.py (object_type is the model's name)."""

    CATEGORY_SAVED = "kb.category_saved"
    SECTION_SAVED = "kb.section_saved"
    ARTICLE_CREATED = "kb.article_created"
    ARTICLE_UPDATED = "kb.article_updated"
    ARTICLE_SUBMITTED = "kb.article_submitted"
    ARTICLE_PUBLISHED = "kb.article_published"
    ARTICLE_CHANGES_REQUESTED = "kb.article_changes_requested"
    ARTICLE_UNPUBLISHED = "kb.article_unpublished"
    REVISION_RESTORED = "kb.revision_restored"
    TRANSLATION_CREATED = "kb.translation_created"
    FEEDBACK = "kb.feedback"
