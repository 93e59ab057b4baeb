"""A finished report's PDF as a download: how the report pages and the API serve it."""

from __future__ import annotations

import base64
import re

from django.http import FileResponse, Http404

from reports.models import ReportJob


def report_file_response(job: ReportJob) -> FileResponse:
    """The job's PDF as an attachment under its download name, read through the storage
    API, with its SHA-256 checksum (``ETag`` and ``Repr-Digest``, RFC 9530) when the job
    has one. 404 while the job is not done or has no file, or when its file has gone
    from the storage. Which jobs a person may download is the caller's rule."""
    if not job.is_done or not job.file:
        raise Http404
    try:
        handle = job.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=job.download_name(), content_type="application/pdf"
    )
    # Only a checksum as the job writes it (64 hex digits): a row written otherwise must
    # not put anything else in a header.
    if re.fullmatch(r"[0-9a-f]{64}", job.checksum):
        response["ETag"] = f'"{job.checksum}"'
        digest = base64.b64encode(bytes.fromhex(job.checksum)).decode()
        response["Repr-Digest"] = f"sha-256=:{digest}:"
    return response
