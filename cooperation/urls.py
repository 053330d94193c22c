from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from . import views

# Every public page exists once per language: /en/..., /zh-hans/..., /nl/..., /fr/...
urlpatterns = i18n_patterns(
    path("", views.HomeView.as_view(), name="home"),
    path("exchanges/", views.ExchangeListView.as_view(), name="exchange-list"),
    path(
        "exchanges/<slug:slug>/",
        views.ExchangeDetailView.as_view(),
        name="exchange-detail",
    ),
    path("institutions/", views.InstitutionListView.as_view(), name="institution-list"),
    path(
        "institutions/<slug:slug>/",
        views.InstitutionDetailView.as_view(),
        name="institution-detail",
    ),
    path("agreements/", views.AgreementListView.as_view(), name="agreement-list"),
    path(
        "agreements/<slug:slug>/",
        views.AgreementDetailView.as_view(),
        name="agreement-detail",
    ),
)

urlpatterns += [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
