"""Validation of uploaded attachments: size and type limits from settings."""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.text import get_valid_filename


@dataclass(frozen=True)
class CheckedUpload:
    file: UploadedFile[bytes]
    filename: str
    content_type: str
    size: int


def check_uploads(files: list[UploadedFile[bytes]], *, field: str = "attachments") -> list[CheckedUpload]:
    """Refuse too many, too large or disallowed files with a message naming the file.

    The type is judged from the file name, not from what the browser claims, so a
    renamed executable cannot pass as a PDF by its Content-Type header alone.
    """
    if len(files) > settings.ATTACHMENT_MAX_COUNT:
        raise ValidationError({field: f"At most {settings.ATTACHMENT_MAX_COUNT} files per message."})
    checked = []
    limit_mb = settings.ATTACHMENT_MAX_BYTES / (1024 * 1024)
    for upload in files:
        name = get_valid_filename((upload.name or "file").rsplit("/", 1)[-1])[:200] or "file"
        size = upload.size or 0
        if size > settings.ATTACHMENT_MAX_BYTES:
            raise ValidationError({field: f"{name} is too large: the limit is {limit_mb:g} MB."})
        if size == 0:
            raise ValidationError({field: f"{name} is empty."})
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        if content_type not in settings.ATTACHMENT_ALLOWED_TYPES:
            raise ValidationError({field: f"{name}: files of type {content_type} are not accepted."})
        checked.append(CheckedUpload(file=upload, filename=name, content_type=content_type, size=size))
    return checked
