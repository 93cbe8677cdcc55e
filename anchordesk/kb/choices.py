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


class KbEvent(models.TextChoices):
    """Audit event kinds written by kb/actions.py (object_type is the model's name)."""

    CATEGORY_SAVED = "kb.category_saved", "saved a help center category"
    SECTION_SAVED = "kb.section_saved", "saved a help center section"
    ARTICLE_CREATED = "kb.article_created", "created an article"
    ARTICLE_UPDATED = "kb.article_updated", "changed an article"
    ARTICLE_SUBMITTED = "kb.article_submitted", "submitted an article for review"
    ARTICLE_PUBLISHED = "kb.article_published", "published an article"
    ARTICLE_CHANGES_REQUESTED = "kb.article_changes_requested", "asked for changes to an article"
    ARTICLE_UNPUBLISHED = "kb.article_unpublished", "unpublished an article"
    REVISION_RESTORED = "kb.revision_restored", "restored an earlier version of an article"
    TRANSLATION_CREATED = "kb.translation_created", "started a translation of an article"
    FEEDBACK = "kb.feedback", "said whether an article helped"
