"""The forms of the project as its pages show them, for tests that fill them in.

Every page of the permission matrix is read as the people who may open it, and each form
on it is collected with its fields as the browser would submit them: the action, the
method, each field's kind, its current value and, for choices, the values offered. Forms
found on several pages (the language selector, the logout button) count once.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.contrib import messages
from django.http import HttpResponse
from django.urls import Resolver404, resolve, reverse

from rights.forms import PARTS
from tests.conftest import World
from tests.test_permissions import MATRIX, issue

# Inputs that carry no data of the person's.
IGNORED_INPUTS = {"submit", "button", "reset", "image"}
# What the escaping probe may type into: fields the person writes in their own words.
TEXT_INPUTS = {"text", "search", "textarea", ""}
# Forms that end the session the test relies on, or that only say where to go next.
SKIPPED_ACTIONS = {"account_logout"}


@dataclass
class Field:
    name: str
    kind: str  # the input type, "select", "select-multiple" or "textarea"
    value: str = ""
    options: list[str] = field(default_factory=list)
    checked: bool = False
    required: bool = False
    max_length: int | None = None
    invalid: bool = False  # marked aria-invalid: the form was refused for this field
    selected: list[str] = field(default_factory=list)  # a multiple select's chosen options


@dataclass
class Form:
    page: str  # the matrix row of the page the form was found on
    action: str  # the path the form submits to, with its query string
    method: str
    fields: list[Field] = field(default_factory=list)
    # Its submit buttons in the page's order, as (name, value); the name is empty for a
    # button that sends nothing of its own.
    buttons: list[tuple[str, str]] = field(default_factory=list)

    @property
    def url_name(self) -> str:
        try:
            match = resolve(self.action.split("?")[0])
        except Resolver404:
            return ""
        return f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name

    @property
    def key(self) -> tuple[str, str]:
        return self.method, self.action.split("?")[0]

    def names(self) -> list[str]:
        return list(dict.fromkeys(f.name for f in self.fields))

    def defaults(self) -> dict[str, list[str]]:
        """What the browser would send if the person only pressed the button (the button's
        own name and value aside: see ``submission``)."""
        data: dict[str, list[str]] = {}
        for f in self.fields:
            if f.kind == "file":
                continue  # the browser sends no file unless one is chosen
            if f.kind in ("checkbox", "radio"):
                if f.checked:
                    data.setdefault(f.name, []).append(f.value or "on")
            elif f.kind == "select-multiple":
                data.setdefault(f.name, []).extend(f.selected)
            elif f.kind == "button":
                continue  # sent only by the button pressed
            elif f.kind == "textarea":
                data.setdefault(f.name, []).append(submitted_text(f.value))
            else:
                data.setdefault(f.name, []).append(browser_value(f.kind, f.value))
        return data

    def submission(self) -> dict[str, list[str]]:
        """What the browser sends when the person presses Enter in the form, or its first
        button: every value as it holds it, and that button's name and value."""
        data = self.defaults()
        if self.buttons and self.buttons[0][0]:
            name, value = self.buttons[0]
            data.setdefault(name, []).append(value)
        return data

    def choices(self) -> dict[str, Field]:
        """One field per name, as the fuzzing varies them: a group of radio buttons or
        checkboxes, or named buttons, becomes one field offering each input's value."""
        grouped: dict[str, Field] = {}
        for f in self.fields:
            if f.name == "csrfmiddlewaretoken":
                continue
            if f.name not in grouped:
                grouped[f.name] = Field(
                    f.name, f.kind, f.value, list(f.options), f.checked, f.required, f.max_length
                )
            if f.kind in ("radio", "checkbox", "button"):
                grouped[f.name].options.append(f.value or "on")
        return grouped

    def text_fields(self) -> list[Field]:
        return [f for f in self.fields if f.kind in TEXT_INPUTS and f.name != "csrfmiddlewaretoken"]


# The HTML standard's value sanitization (https://html.spec.whatwg.org/#value-sanitization-
# algorithm): what the browser does with a value="" it is given, before the person sees it
# and before it is sent. A value it cannot parse for the input's type becomes empty.
DATE = re.compile(r"(\d{4,})-(\d\d)-(\d\d)")
TIME = r"([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d)(?:\.\d{1,3})?)?"
LOCAL_DATETIME = re.compile(rf"(\d{{4,}})-(\d\d)-(\d\d)[T ]{TIME}")
FLOAT = re.compile(r"-?(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?")
NEWLINES = re.compile(r"[\r\n]")


def _valid_date(year: str, month: str, day: str) -> bool:
    y, m, d = int(year), int(month), int(day)
    return y > 0 and 1 <= m <= 12 and 1 <= d <= calendar.monthrange(y, m)[1]


def browser_value(kind: str, value: str) -> str:
    """The value a browser holds for an input of this type given ``value`` in the page."""
    if kind == "date":
        match = DATE.fullmatch(value)
        return value if match and _valid_date(*match.groups()) else ""
    if kind == "datetime-local":
        match = LOCAL_DATETIME.fullmatch(value)
        if not match or not _valid_date(*match.groups()[:3]):
            return ""
        # Normalised: a "T" between date and time, no seconds when they are zero.
        normalised = value.replace(" ", "T")
        return normalised.removesuffix(":00") if len(normalised) == 19 else normalised
    if kind == "time":
        return value if re.fullmatch(TIME, value) else ""
    if kind == "number":
        if not FLOAT.fullmatch(value):
            return ""
        return value if abs(float(value)) != float("inf") else ""
    if kind in ("email", "url"):
        return NEWLINES.sub("", value).strip(" \t\n\f\r")
    if kind in ("text", "search", "tel", "password"):
        return NEWLINES.sub("", value)
    return value


def submitted_text(value: str) -> str:
    """A textarea's text as a form sends it: every line break as CR LF."""
    return re.sub(r"\r\n|\r|\n", "\r\n", value)


class _FormParser(HTMLParser):
    def __init__(self, page: str, page_path: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page, self.page_path = page, page_path
        self.forms: list[Form] = []
        self.form: Form | None = None
        self.select: Field | None = None
        self.textarea: Field | None = None
        # One entry per open fieldset: whether it is disabled (so is all it holds).
        self.fieldsets: list[bool] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "form":
            self.form = Form(
                self.page, a.get("action") or self.page_path, (a.get("method") or "get").lower()
            )
            self.forms.append(self.form)
        elif tag == "fieldset":
            self.fieldsets.append("disabled" in a)
        elif self.form is None or "disabled" in a or any(self.fieldsets):
            return
        elif (tag == "button" and a.get("type", "submit") == "submit") or (
            tag == "input" and a.get("type") in ("submit", "image")
        ):
            self.form.buttons.append((a.get("name", ""), a.get("value", "")))
            if tag == "button" and a.get("name"):  # "Save draft" or "Submit for validation"
                self.form.fields.append(Field(a["name"], "button", a.get("value", "")))
        elif tag == "input" and a.get("name") and a.get("type", "text") not in IGNORED_INPUTS:
            self.form.fields.append(
                Field(
                    a["name"],
                    a.get("type", "text"),
                    a.get("value", ""),
                    checked="checked" in a,
                    required="required" in a,
                    max_length=int(a["maxlength"]) if a.get("maxlength") else None,
                    invalid=a.get("aria-invalid") == "true",
                )
            )
        elif tag == "select" and a.get("name"):
            kind = "select-multiple" if "multiple" in a else "select"
            self.select = Field(
                a["name"], kind, required="required" in a, invalid=a.get("aria-invalid") == "true"
            )
            self.form.fields.append(self.select)
        elif tag == "option" and self.select is not None:
            value = a.get("value", "")
            self.select.options.append(value)
            if "selected" in a:
                self.select.value = value
                self.select.checked = True
                self.select.selected.append(value)
        elif tag == "textarea" and a.get("name"):
            self.textarea = Field(
                a["name"],
                "textarea",
                required="required" in a,
                max_length=int(a["maxlength"]) if a.get("maxlength") else None,
                invalid=a.get("aria-invalid") == "true",
            )
            self.form.fields.append(self.textarea)

    def handle_data(self, data: str) -> None:
        if self.textarea is not None:
            self.textarea.value += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.form = None
        elif tag == "fieldset" and self.fieldsets:
            self.fieldsets.pop()
        elif tag == "select":
            if self.select is not None and self.select.kind == "select" and not self.select.checked:
                self.select.value = self.select.options[0] if self.select.options else ""
            self.select = None
        elif tag == "textarea":
            if self.textarea is not None:
                self.textarea.value = self.textarea.value.removeprefix("\n")
            self.textarea = None


def forms_on(html: str, page: str, page_path: str) -> list[Form]:
    parser = _FormParser(page, page_path)
    parser.feed(html)
    return parser.forms


class Paths:
    """The path of a matrix URL in the world. Rows that make what their URL needs (an
    invitation and its token) make it once, and URLs sharing it reuse it."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.made: dict[object, dict] = {}

    def __call__(self, name: str) -> str:
        make = MATRIX[name].kwargs
        if make not in self.made:
            self.made[make] = make(self.world)
        return reverse(name, kwargs=self.made[make])


def pages(world: World, paths: Paths) -> list[tuple[str, str, dict]]:
    """(URL name, path, matrix row's expectations) of every page with a GET row, and each
    part of the rights analysis (the matrix names one)."""
    found = [
        (name, paths(name), row.expected)
        for name, row in sorted(MATRIX.items())
        if row.method == "get"
    ]
    part_row = MATRIX["rights:issue-part"]
    for part in PARTS:
        path = reverse("rights:issue-part", kwargs={**issue(world), "part": part})
        found.append(("rights:issue-part", path, part_row.expected))
    return found


def html_pages(world: World, person: str, paths: Paths) -> Iterator[tuple[str, HttpResponse]]:
    """(URL name, response) of every HTML page of the matrix this person may open, as they receive
    it; every page they may open answers 200 (CSV, XLSX and PDF ones are not yielded)."""
    client = world.client(person)
    for name, path, expected in pages(world, paths):
        if expected[person] != 200:
            continue
        response = client.get(path)
        assert response.status_code == 200, (name, person)
        if "text/html" in response.get("Content-Type", ""):
            yield name, response


def project_forms(world: World, people: tuple[str, ...], paths: Paths) -> list[Form]:
    """Every form of every HTML page of the matrix, as the first of ``people`` who may
    open the page sees it (a coordinator sees the most forms; a member, its own)."""
    found: dict[tuple[str, str], Form] = {}
    for name, path, expected in pages(world, paths):
        person = next((p for p in people if expected[p] == 200), None)
        if person is None:
            continue
        response = world.client(person).get(path)
        if "text/html" not in response.get("Content-Type", ""):
            continue
        for form in forms_on(response.content.decode(), name, path):
            if form.url_name not in SKIPPED_ACTIONS:
                found.setdefault(form.key, form)
    return list(found.values())


def refused_with_a_message(response) -> bool:
    """Whether the view said no with an error message (and a redirect back)."""
    queued = getattr(getattr(response.wsgi_request, "_messages", None), "_queued_messages", [])
    return any(message.level >= messages.ERROR for message in queued)
