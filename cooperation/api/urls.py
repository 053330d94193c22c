"""/api/v1/: the API's addresses (no language prefix: ``?lang=`` chooses)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.ApiRootView.as_view(), name="api-root"),
    path("exchanges/", views.ExchangeListView.as_view(), name="api-exchange-list"),
    path(
        "exchanges/<str:slug>/",
        views.ExchangeDetailView.as_view(),
        name="api-exchange-detail",
    ),
    path(
        "institutions/",
        views.InstitutionListView.as_view(),
        name="api-institution-list",
    ),
    path(
        "institutions/<str:slug>/",
        views.InstitutionDetailView.as_view(),
        name="api-institution-detail",
    ),
    path("agreements/", views.AgreementListView.as_view(), name="api-agreement-list"),
    path(
        "agreements/<str:slug>/",
        views.AgreementDetailView.as_view(),
        name="api-agreement-detail",
    ),
    path("fields/", views.FieldOfEducationListView.as_view(), name="api-field-list"),
    path(
        "fields/<str:code>/",
        views.FieldOfEducationDetailView.as_view(),
        name="api-field-detail",
    ),
    path("schema/", views.SchemaView.as_view(), name="api-schema"),
    path("docs/", views.DocsView.as_view(), name="api-docs"),
]
