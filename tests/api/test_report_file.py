"""A published report's PDF through the API: a program with a token downloads it, as the
people inside the cluster do on its pages; an unpublished report or another cluster's is
not found."""

from __future__ import annotations

import base64
import hashlib

import pytest
from django.test import Client
from django.urls import reverse

from reports.models import ReportJob
from tests.api.test_tenancy import token_client
from tests.conftest import World, build_published_report


def file_url(job: ReportJob, slug: str = "housing") -> str:
    return reverse("api:report-file", kwargs={"slug": slug, "pk": job.pk})


def body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.mark.parametrize("person", ["institution", "member"])
def test_a_token_downloads_the_published_pdf(world: World, person: str):
    client, _token = token_client(world, person)
    job = world.published_report
    response = client.get(file_url(job), headers={"accept": "application/pdf"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="housing-dossier-{job.pk}-en.pdf"'
    )
    assert body(response) == b"%PDF-1.4 dossier"


def test_the_file_carries_its_checksum(world: World):
    job = world.published_report
    job.checksum = hashlib.sha256(b"%PDF-1.4 dossier").hexdigest()
    job.save(update_fields=["checksum"])
    client, _token = token_client(world, "institution")
    response = client.get(file_url(job))
    assert response["ETag"] == f'"{job.checksum}"'
    digest = base64.b64encode(hashlib.sha256(body(response)).digest()).decode()
    assert response["Repr-Digest"] == f"sha-256=:{digest}:"


def test_the_list_links_to_the_file_and_to_the_page(world: World):
    client, _token = token_client(world, "institution")
    url = reverse("api:reports", kwargs={"slug": "housing"})
    (report,) = client.get(url).json()["results"]
    assert report["file"] == f"http://testserver{file_url(world.published_report)}"
    assert report["download"].endswith(f"/c/housing/reports/{world.published_report.pk}/pdf/")
    assert body(client.get(report["file"])) == b"%PDF-1.4 dossier"


@pytest.mark.parametrize("person", ["coordinator", "institution"])
def test_an_unpublished_report_is_not_found(world: World, person: str):
    job = build_published_report(world.cluster)
    job.published_at = None
    job.save(update_fields=["published_at"])
    client, _token = token_client(world, person)
    response = client.get(file_url(job), headers={"accept": "application/pdf"})
    assert response.status_code == 404
    # Asked for a PDF, the refusal still comes as JSON (not 406).
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


def test_another_clusters_report_is_not_found(world: World):
    client, _token = token_client(world, "member")
    theirs = world.other_cluster.report_jobs.get()
    # Neither under our cluster's address nor under theirs (an outsider there).
    assert client.get(file_url(theirs)).status_code == 404
    assert client.get(file_url(theirs, slug=world.other_cluster.slug)).status_code == 404


def test_an_outsider_is_not_found(world: World):
    client, _token = token_client(world, "outsider")
    assert client.get(file_url(world.published_report)).status_code == 404


def test_without_credentials_401(world: World):
    response = Client().get(file_url(world.published_report))
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_file_gone_from_storage_is_not_found(world: World):
    job = world.published_report
    job.file.storage.delete(job.file.name)
    client, _token = token_client(world, "member")
    assert client.get(file_url(job)).status_code == 404
