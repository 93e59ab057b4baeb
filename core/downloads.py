"""Files people attached (evidence, strategies' documents), served as the cluster's.

A view checks who may read the file, then answers with ``attachment``: always a download,
of the type checked at upload, never sniffed or rendered as a page by the browser."""

from __future__ import annotations

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404


def attachment(file: FieldFile, *, original_name: str, content_type: str) -> FileResponse:
    if not file:
        raise Http404
    try:
        handle = file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=original_name or file.name.rsplit("/", 1)[-1],
        content_type=content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
