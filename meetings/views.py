"""The meetings' pages (filled in by the pages work)."""

from django.http import HttpRequest, HttpResponse


def _todo(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


meeting_list = meeting_schedule = meeting_detail = meeting_edit = meeting_cancel = _todo
item_add = item_answer = attendance = meeting_close = minutes_object = meeting_ics = _todo
