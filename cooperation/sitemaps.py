"""sitemap.xml: every public page in every language, with hreflang alternates."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Agreement, Exchange, Institution


class RegistrySitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True

    def lastmod(self, item):
        return item.updated


class ExchangeSitemap(RegistrySitemap):
    def items(self):
        return Exchange.objects.public().order_by("pk")


class InstitutionSitemap(RegistrySitemap):
    def items(self):
        return Institution.objects.public().order_by("pk")


class AgreementSitemap(RegistrySitemap):
    def items(self):
        return Agreement.objects.public().order_by("pk")


class PageSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True

    def items(self):
        return [
            "home",
            "exchange-list",
            "institution-list",
            "institution-map",
            "agreement-list",
            "statistics",
        ]

    def location(self, item):
        return reverse(item)


SITEMAPS = {
    "pages": PageSitemap,
    "exchanges": ExchangeSitemap,
    "institutions": InstitutionSitemap,
    "agreements": AgreementSitemap,
}
