"""The one base of the errors a service raises for a reason the person can act on."""

from __future__ import annotations


class DomainError(Exception):
    """A change refused for a reason the person can act on: its text is shown to them as
    it is, so it is written for them and translated.

    ``field`` names the input the reason is about ("period", "total"), when it is about
    one: the API names it in its JSON error. The forms show the text at the top, as the
    import lists it by row (a service's field names need not be a form's: the report
    form's "cells" are its cell_0, cell_1...)."""

    def __init__(self, message: object = "", *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field
