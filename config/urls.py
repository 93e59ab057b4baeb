from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from accounts.views import (
    account_delete,
    admin_login,
    api_token_create,
    api_token_revoke,
    personal_data,
    preferences,
    privacy,
    set_language,
)
from clusters.views import health, home

admin.site.login = admin_login
# "Administració dels clústers", not "Administració de Django".
admin.site.site_header = _("Clusters administration")
admin.site.site_title = _("Clusters administration")

urlpatterns = [
    path("", home, name="home"),
    path("health/", health, name="health"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("me/", preferences, name="preferences"),
    path("me/data/", personal_data, name="personal-data"),
    path("me/delete/", account_delete, name="account-delete"),
    path("me/tokens/", api_token_create, name="api-token-create"),
    path("me/tokens/<int:pk>/revoke/", api_token_revoke, name="api-token-revoke"),
    path("privacy/", privacy, name="privacy"),
    path("accounts/", include("allauth.urls")),
    path("actors/", include("actors.urls")),
    path("", include("clusters.urls")),
    path("", include("rights.urls")),
    path("", include("indicators.urls")),
    path("", include("coherence.urls")),
    path("", include("planning.urls")),
    path("", include("health.urls")),
    path("", include("meetings.urls")),
    path("", include("reports.urls")),
    path("api/", include("api.urls")),
    path("", include("api.iati_urls")),
    path("admin/", admin.site.urls),
]
