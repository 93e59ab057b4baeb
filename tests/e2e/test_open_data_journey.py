"""The cluster's open data, in a real browser: its IATI file and the JSON API.

The coordinator opens the cluster's Open data page: the lead entity has no IATI
identifier and the cluster no sector, and the page lists both with where to fix them.
The coordinator fixes each through its page, comes back to a valid file, downloads it
(checked against the official IATI 2.03 schema, with the lead entity as its reporting
organisation) and publishes it. The institution then downloads it too, without a publish
button. A member entity's representative, in Catalan, creates a personal API token on
the settings page, sees its secret once, and a program uses it: it reads the clusters and
an indicator's periods, submits a measurement report (201) that waits in the
coordinator's validation queue, and is told in Catalan which field of a bad one is wrong
(400). Once the token is revoked, the same request gets a 401. The API's documentation
(Swagger UI) shows its operations without breaking the content security policy.

A second test looks at the same pages in Catalan on a phone 390 px wide: none scrolls
sideways.

Every page is checked by axe-core and photographed in /tmp/e2e-shots/open-data-*.png.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from lxml import etree
from playwright.sync_api import APIRequestContext, Page, expect

from accounts import services as accounts_services
from api.iati import validation
from indicators.models import Indicator, MeasurementReport
from tests.conftest import World
from tests.e2e.conftest import skip_without_chromium
from tests.e2e.pages import cluster_bar, log_in, status_messages, submit, t
from tests.factories import make_iati_ready

skip_without_chromium()

pytestmark = pytest.mark.e2e

LANGUAGE = "en"
PHONE = {"width": 390, "height": 844}
LEAD_IDENTIFIER = "ES-CIF-G08123456"
TOKEN_NAME = "Script mensual"
SWAGGER_UI = (".swagger-ui .information-container", ".swagger-ui .wrapper")


def page_overflow(page: Page) -> int:
    """How many pixels the page is wider than the screen (0 when it is not)."""
    return page.evaluate("() => document.scrollingElement.scrollWidth - window.innerWidth")


@pytest.fixture
def adults(world: World) -> Indicator:
    """A count the member entity reports on, without a report yet (the world's I1 has
    its report submitted already)."""
    return Indicator.objects.create(
        cluster=world.cluster,
        objective=world.indicator.objective,
        code="I2",
        name="Adults housed",
        type="outcome",
        measure="number",
        direction="increase",
        aggregation="sum",
        data_source="administrative",
    )


@pytest.fixture
def almost_ready(world: World) -> World:
    """Every entity has an IATI identifier but the lead, and the cluster has no sector."""
    make_iati_ready(world.cluster)
    world.lead.refresh_from_db()
    world.lead.iati_identifier = ""
    world.lead.save(update_fields=["iati_identifier"])
    world.cluster.dac_sector = ""
    world.cluster.save(update_fields=["dac_sector"])
    return world


def open_data(page: Page) -> None:
    cluster_bar(page).get_by_role("link", name=t(LANGUAGE, "Open data"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t(LANGUAGE, "Open data"))


def problems(page: Page):
    return page.locator("main ul.problems > li")


def fix_and_publish(page: Page, base: str, world: World, shot, tmp_path) -> None:
    slug = world.cluster.slug
    open_data(page)
    expect(problems(page)).to_have_count(2)
    lead = problems(page).filter(has_text="Lead Foundation")
    expect(lead).to_contain_text(
        t(
            LANGUAGE,
            "%(entity)s has no IATI organisation identifier: add it on the entity's page.",
            entity="Lead Foundation",
        )
    )
    sector = problems(page).filter(
        has_text=t(LANGUAGE, "Choose the cluster's sector in its settings.")
    )
    expect(sector).to_have_count(1)
    download = page.get_by_role("link", name=t(LANGUAGE, "Download the IATI file"))
    expect(download).to_have_count(0)
    expect(page.get_by_role("button", name=t(LANGUAGE, "Publish the file"))).to_have_count(0)
    # The file itself is refused while its data would not validate.
    assert page.request.get(base + reverse("opendata:iati", args=[slug])).status == 409
    shot(page, "open-data-01-problems")

    # The lead entity's identifier, on its profile.
    lead.get_by_role("link", name=t(LANGUAGE, "Fix it")).click()
    expect(page).to_have_url(re.compile(re.escape(reverse("actors:edit", args=[world.lead.slug]))))
    shot(page, "open-data-02-entity-form")
    form = page.locator("main form")
    form.locator("input[name=iati_identifier]").fill(LEAD_IDENTIFIER)
    submit(page, form.get_by_role("button", name=t(LANGUAGE, "Save"), exact=True))
    expect(status_messages(page)).to_contain_text("Lead Foundation")
    world.lead.refresh_from_db()
    assert world.lead.iati_identifier == LEAD_IDENTIFIER
    shot(page, "open-data-03-entity-saved")

    # Back on the page, one problem left: the sector, in the cluster's settings.
    page.goto(base + reverse("opendata:open-data", args=[slug]))
    expect(problems(page)).to_have_count(1)
    shot(page, "open-data-04-one-problem")
    problems(page).get_by_role("link", name=t(LANGUAGE, "Fix it")).click()
    expect(page).to_have_url(re.compile(re.escape(reverse("clusters:edit", args=[slug]))))
    form = page.locator("main form")
    expect(form.locator("select[name=country]")).to_have_value("ES")
    form.locator("select[name=dac_sector]").select_option("16030")
    shot(page, "open-data-05-settings")
    submit(page, form.get_by_role("button", name=t(LANGUAGE, "Save"), exact=True))
    expect(status_messages(page)).to_have_text(t(LANGUAGE, "The cluster settings have been saved."))
    shot(page, "open-data-06-settings-saved")

    open_data(page)
    expect(problems(page)).to_have_count(0)
    expect(page.locator("main .badge.ok")).to_have_text(t(LANGUAGE, "Ready and valid"))
    expect(page.locator("main")).to_contain_text(
        t(
            LANGUAGE,
            "Not published: only the coordination may download it. Once published, everyone "
            "in the cluster may, its institutions included.",
        )
    )
    shot(page, "open-data-07-valid")
    with page.expect_download() as download:
        page.get_by_role("link", name=t(LANGUAGE, "Download the IATI file")).click()
    assert download.value.suggested_filename == f"{slug}-iati.xml"
    path = tmp_path / "iati.xml"
    download.value.save_as(path)
    root = etree.parse(str(path)).getroot()
    schema = validation.schema()
    assert schema.validate(root), schema.error_log
    activity = root.find("iati-activity")
    assert activity.findtext("iati-identifier") == f"{LEAD_IDENTIFIER}-{slug}"
    reporting = activity.find("reporting-org")
    assert reporting.get("ref") == LEAD_IDENTIFIER
    assert reporting.findtext("narrative") == "Lead Foundation"
    assert activity.find("sector").get("code") == "16030"

    submit(page, page.get_by_role("button", name=t(LANGUAGE, "Publish the file")))
    expect(status_messages(page)).to_have_text(
        t(LANGUAGE, "The IATI file is published: everyone in the cluster may download it.")
    )
    expect(page.get_by_role("button", name=t(LANGUAGE, "Withdraw the file"))).to_be_visible()
    world.cluster.refresh_from_db()
    assert world.cluster.iati_is_published
    shot(page, "open-data-08-published")


def institution_downloads(page: Page, base: str, world: World, shot) -> None:
    page.goto(base + world.cluster.get_absolute_url())
    shot(page, "open-data-09-institution-overview")
    open_data(page)
    expect(page.locator("main .badge.ok")).to_have_text(t(LANGUAGE, "Ready and valid"))
    main = page.locator("main")
    expect(main.get_by_role("button")).to_have_count(0)  # neither publish nor withdraw
    shot(page, "open-data-10-institution")
    with page.expect_download() as download:
        page.get_by_role("link", name=t(LANGUAGE, "Download the IATI file")).click()
    assert download.value.suggested_filename == f"{world.cluster.slug}-iati.xml"
    response = page.request.get(base + reverse("opendata:iati", args=[world.cluster.slug]))
    assert response.status == 200
    assert response.headers["content-type"].startswith("application/xml")
    assert b"Lead Foundation" in response.body()


def create_token(page: Page, shot) -> str:
    """On the settings page, in Catalan; the secret shows once."""
    page.locator("header a.user-name").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("ca", "Your settings"))
    tokens = page.locator("#api-tokens")
    expect(tokens).to_contain_text(t("ca", "No token yet."))
    shot(page, "open-data-11-settings")
    tokens.get_by_label(re.compile(rf"^{t('ca', 'Name')}:?$")).fill(TOKEN_NAME)
    submit(page, tokens.get_by_role("button", name=t("ca", "Create the token")))
    expect(page.get_by_role("heading", level=1)).to_have_text(t("ca", "Your new API token"))
    secret_input = page.get_by_label(t("ca", "The token"), exact=True)
    secret = secret_input.input_value()
    assert secret.startswith("ct_")
    expect(page.locator("main")).to_contain_text(
        t("ca", "Copy it now: it is shown only this once.")
    )
    expect(page.locator("main pre")).to_contain_text(f"Authorization: Bearer {secret}")
    shot(page, "open-data-12-token-created")

    page.get_by_role("link", name=t("ca", "Back to your settings")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("ca", "Your settings"))
    row = page.locator("#api-tokens tbody tr", has_text=TOKEN_NAME)
    expect(row).to_contain_text(t("ca", "Active"))
    expect(row.locator("code")).to_have_text(re.compile(r"^ct_"))
    assert secret not in page.content(), "the secret is shown only once"
    page.reload()
    assert secret not in page.content()
    shot(page, "open-data-13-settings-token")
    return secret


def use_the_api(program: APIRequestContext, base: str, world: World, secret: str) -> None:
    """A program of the representative's, with nothing but the token."""
    auth = {"Authorization": f"Bearer {secret}"}
    slug = world.cluster.slug
    clusters = program.get(base + reverse("api:clusters"), headers=auth)
    assert clusters.status == 200, clusters.text()
    assert [c["slug"] for c in clusters.json()["results"]] == [slug]
    # Without the token, the program is no one.
    assert program.get(base + reverse("api:clusters")).status == 401
    indicators = program.get(base + reverse("api:indicators", args=[slug]), headers=auth).json()
    adults = next(row for row in indicators["results"] if row["code"] == "I2")
    indicator = program.get(
        base + reverse("api:indicator-detail", args=[slug, adults["id"]]), headers=auth
    ).json()
    start = world.period.start.isoformat()
    assert [period["start"] for period in indicator["periods"]] == [start]

    create = reverse("api:measurement-report-create", args=[slug])
    bad = program.post(
        base + create,
        headers=auth | {"Accept-Language": "ca"},
        data={"indicator": "I2", "period": start, "total": 10, "colour": "vermell"},
    )
    assert bad.status == 400, bad.text()
    assert bad.json() == {"colour": [t("ca", "Unknown field.")]}
    assert bad.json()["colour"] == ["Camp desconegut."]
    assert not MeasurementReport.objects.filter(indicator__code="I2").exists()

    good = program.post(
        base + create,
        headers=auth,
        data={"indicator": "I2", "period": start, "total": 12, "comment": "Del full de càlcul"},
    )
    assert good.status == 201, good.text()
    assert good.json()["status"] == "submitted"
    assert good.json()["entity"] == world.member_actor.slug
    report = MeasurementReport.objects.get(pk=good.json()["id"])
    assert report.updated_by == world.users["representative"]


def validation_queue(page: Page, base: str, world: World, shot) -> None:
    page.goto(base + reverse("clusters:overview", args=["housing"]))
    shot(page, "open-data-14-overview")
    cluster_bar(page).get_by_role("link", name=t(LANGUAGE, "Validation"), exact=True).click()
    row = page.locator("main tbody tr", has_text="Adults housed")
    expect(row).to_contain_text("Neighbours Association")
    expect(row).to_contain_text(world.users["representative"].display_name)
    expect(row).to_contain_text("12")
    expect(row).to_contain_text("Del full de càlcul")
    shot(page, "open-data-15-validation-queue")


def revoke(page: Page, shot) -> None:
    row = page.locator("#api-tokens tbody tr", has_text=TOKEN_NAME)
    row.get_by_role("link", name=re.compile(t("ca", "Revoke"))).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("ca", "Revoke an API token"))
    shot(page, "open-data-16-revoke")
    submit(page, page.get_by_role("button", name=t("ca", "Revoke the token")))
    expect(status_messages(page)).to_have_text(
        t("ca", "The token “%(name)s” is revoked: it no longer works.", name=TOKEN_NAME)
    )
    row = page.locator("#api-tokens tbody tr", has_text=TOKEN_NAME)
    expect(row).not_to_contain_text(t("ca", "Active"))
    expect(row.get_by_role("link")).to_have_count(0)
    shot(page, "open-data-17-revoked")


def docs_without_policy_errors(page: Page, base: str, shot, name: str) -> None:
    """Swagger UI's page lists the operations; the content policy blocks nothing."""
    complaints: list[str] = []
    page.on(
        "console",
        lambda message: complaints.append(message.text) if message.type == "error" else None,
    )
    # A violation the page would not log still fires this event, which is logged here.
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', event => console.error("
        "'securitypolicyviolation ' + event.violatedDirective + ' ' + event.blockedURI))"
    )
    page.goto(base + reverse("api:docs"))
    operations = page.locator(".opblock")
    expect(operations.first).to_be_visible()
    expect(
        page.locator(
            ".opblock-summary-path", has_text="/api/v1/clusters/{slug}/measurement-reports/"
        )
    ).to_be_visible()
    assert operations.count() >= 10
    # Swagger UI draws the operations (drf-spectacular-sidecar's bundle): its markup has
    # axe violations the project cannot fix from outside (buttons nested in its summary
    # controls, its own colours and headings); the page around it is checked.
    shot(page, name, exclude=SWAGGER_UI)
    policy = [
        text
        for text in complaints
        if "securitypolicyviolation" in text or "Content Security Policy" in text
    ]
    assert not policy, policy
    assert not complaints, complaints


def test_the_open_data_is_fixed_published_and_read_through_the_api(
    almost_ready: World, adults, live_server, new_page, visits, shot, tmp_path
):
    world = almost_ready
    base = live_server.url

    coordination = new_page(LANGUAGE)
    log_in(coordination, base, "coordinator@example.org", LANGUAGE, visits.check)
    coordination.goto(f"{base}{world.cluster.get_absolute_url()}")
    shot(coordination, "open-data-00-overview")
    fix_and_publish(coordination, base, world, shot, tmp_path)

    institution = new_page(LANGUAGE)
    log_in(institution, base, "institution@example.org", LANGUAGE, visits.check)
    institution_downloads(institution, base, world, shot)

    representative = new_page("ca")
    log_in(representative, base, "representative@example.org", "ca", visits.check)
    secret = create_token(representative, shot)
    program = new_page("ca").context.request
    use_the_api(program, base, world, secret)

    validation_queue(coordination, base, world, shot)

    revoke(representative, shot)
    gone = program.get(
        base + reverse("api:clusters"), headers={"Authorization": f"Bearer {secret}"}
    )
    assert gone.status == 401

    docs_without_policy_errors(representative, base, shot, "open-data-18-api-docs")


# The Catalan pass, on a phone


def test_open_data_tokens_and_docs_fit_a_phone_in_catalan(
    world: World, live_server, new_page, visits, shot
):
    make_iati_ready(world.cluster)
    coordinator = world.users["coordinator"]
    for name in ("Importació mensual des del full de càlcul de la federació", "Proves"):
        accounts_services.api_token_create(user=coordinator, name=name)
    old, _secret = accounts_services.api_token_create(user=coordinator, name="Antic")
    accounts_services.api_token_revoke(user=coordinator, token_id=old.pk)
    base = live_server.url
    page = new_page("ca")
    page.set_viewport_size(PHONE)
    log_in(page, base, "coordinator@example.org", "ca", visits.check)

    def fits(name: str, exclude: tuple[str, ...] = ()) -> None:
        shot(page, f"open-data-ca-390-{name}", exclude=exclude)
        assert page_overflow(page) <= 0, f"{name} scrolls sideways on a phone"
        assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]

    page.goto(f"{base}{reverse('opendata:open-data', args=[world.cluster.slug])}")
    expect(page.locator("html")).to_have_attribute("lang", "ca")
    expect(page.get_by_role("heading", level=1)).to_have_text(t("ca", "Open data"))
    fits("open-data")
    page.goto(f"{base}{reverse('preferences')}")
    expect(page.locator("#api-tokens tbody tr")).to_have_count(3)
    fits("settings")
    tokens = page.locator("#api-tokens")
    tokens.get_by_label(re.compile(rf"^{t('ca', 'Name')}:?$")).fill(TOKEN_NAME)
    submit(page, tokens.get_by_role("button", name=t("ca", "Create the token")))
    expect(page.get_by_role("heading", level=1)).to_have_text(t("ca", "Your new API token"))
    fits("token-created")
    page.goto(f"{base}{reverse('api:docs')}")
    expect(page.locator(".opblock").first).to_be_visible()
    fits("api-docs", exclude=SWAGGER_UI)
