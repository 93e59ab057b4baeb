"""Checks on evidence files: by size, and by content rather than by name.

A file is accepted when its first bytes are those of the format its extension claims;
anything else (an executable renamed .pdf, an HTML page, an SVG with scripts) is refused.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# extension: (content type, how to recognise the content)
ZIP_FORMATS = {
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "word/"),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xl/"),
    ".odt": ("application/vnd.oasis.opendocument.text", "content.xml"),
    ".ods": ("application/vnd.oasis.opendocument.spreadsheet", "content.xml"),
}
MAGIC_FORMATS = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
}
TEXT_FORMATS = {".csv": "text/csv", ".txt": "text/plain"}
ALLOWED_EXTENSIONS = sorted({*ZIP_FORMATS, *MAGIC_FORMATS, *TEXT_FORMATS})


def evidence_content_type(upload: UploadedFile) -> str:
    """The content type of an acceptable evidence file; ValidationError otherwise."""
    limit = settings.EVIDENCE_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("The file is %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
        )
    extension = PurePath(upload.name or "").suffix.lower()
    if extension not in ALLOWED_EXTENSIONS:
        raise ValidationError(
            _("Files of this type are not accepted. Accepted: %(types)s.")
            % {"types": ", ".join(ALLOWED_EXTENSIONS)}
        )
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    if extension in MAGIC_FORMATS:
        content_type, signatures = MAGIC_FORMATS[extension]
        if head.startswith(signatures):
            return content_type
    elif extension in ZIP_FORMATS:
        content_type, marker = ZIP_FORMATS[extension]
        if _zip_has(upload, marker):
            return content_type
    elif _is_text(head):
        return TEXT_FORMATS[extension]
    raise ValidationError(
        _("The content of the file does not match its type (%(ext)s).") % {"ext": extension}
    )


def _zip_has(upload: UploadedFile, marker: str) -> bool:
    try:
        with zipfile.ZipFile(upload) as archive:
            return any(name.startswith(marker) for name in archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        upload.seek(0)


# Markup in a "text" file: it could be rendered as a page by a careless viewer.
MARKUP = re.compile(rb"<\s*[a-zA-Z!?/]")


def _is_text(head: bytes) -> bool:
    if b"\x00" in head or MARKUP.search(head):
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut at the end of the sample is still text.
        return error.start >= len(head) - 3
    return True
