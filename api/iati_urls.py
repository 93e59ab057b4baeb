from django.urls import path

from api import iati_views

app_name = "opendata"

urlpatterns = [
    path("c/<slug:slug>/open-data/", iati_views.open_data, name="open-data"),
    path("c/<slug:slug>/export/iati.xml", iati_views.iati_file, name="iati"),
    path("c/<slug:slug>/open-data/publish/", iati_views.iati_publish, name="iati-publish"),
    path("c/<slug:slug>/open-data/withdraw/", iati_views.iati_unpublish, name="iati-unpublish"),
]
