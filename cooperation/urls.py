from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path

from . import health, media
from .caching import public_page
from .public import embed, feeds, views
from .public.sitemaps import SITEMAPS

# Every public page exists once per language: /en/..., /zh-hans/..., /nl/..., /fr/...
urlpatterns = i18n_patterns(
    path("", public_page(views.HomeView.as_view()), name="home"),
    path(
        "exchanges/",
        public_page(views.ExchangeListView.as_view()),
        name="exchange-list",
    ),
    path(
        "exchanges/feed/", public_page(feeds.NewExchangesFeed()), name="exchange-feed"
    ),
    path("exchanges/calendar.ics", feeds.exchange_calendar, name="exchange-calendar"),
    path("exchanges/exchanges.csv", feeds.exchange_csv, name="exchange-csv"),
    path(
        "exchanges/<slug:slug>/",
        public_page(views.ExchangeDetailView.as_view()),
        name="exchange-detail",
    ),
    path(
        "exchanges/<slug:slug>/calendar.ics",
        public_page(feeds.exchange_ical),
        name="exchange-ical",
    ),
    path(
        "institutions/",
        public_page(views.InstitutionListView.as_view()),
        name="institution-list",
    ),
    path(
        "institutions/suggestions.json",
        views.institution_suggestions,
        name="institution-suggestions",
    ),
    path(
        "institutions/map/",
        public_page(views.InstitutionMapView.as_view()),
        name="institution-map",
    ),
    path(
        "institutions/map.geojson",
        views.institution_map_geojson,
        name="institution-map-geojson",
    ),
    path(
        "institutions/<slug:slug>/",
        public_page(views.InstitutionDetailView.as_view()),
        name="institution-detail",
    ),
    path(
        "agreements/",
        public_page(views.AgreementListView.as_view()),
        name="agreement-list",
    ),
    path(
        "agreements/<slug:slug>/",
        public_page(views.AgreementDetailView.as_view()),
        name="agreement-detail",
    ),
    path("statistics/", public_page(views.StatisticsView.as_view()), name="statistics"),
    path("open-data/", public_page(views.OpenDataView.as_view()), name="open-data"),
)

urlpatterns += [
    path("documents/<int:pk>/", views.document_download, name="document-download"),
    path("documents/file/<path:name>", views.document_file, name="document-file"),
    path(
        "sitemap.xml",
        public_page(sitemap_views.index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        public_page(sitemap_views.sitemap),
        {"sitemaps": SITEMAPS},
        name="sitemap-section",
    ),
    path("robots.txt", views.robots_txt, name="robots"),
    # For partners' iframes (embed.py): no language prefix, ?lang= chooses.
    path("embed/exchanges/", embed.exchanges, name="exchange-embed"),
    # The read-only JSON API (api/): no language prefix, ?lang= chooses.
    path("api/v1/", include("cooperation.api.urls")),
    # Probes for load balancers and service managers (health.py): no language
    # prefix, never cached, exempt from the HTTPS redirect (settings.py).
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]

# Uploaded logos, served by the app whether debugging or not (media.py).
urlpatterns += [
    path(
        f"{settings.MEDIA_URL.strip('/')}/<path:path>",
        media.media_file,
        name="media-file",
    )
]

# A database that cannot be reached gets the 503 page, any other error the 500.
handler500 = "cooperation.health.server_error"
