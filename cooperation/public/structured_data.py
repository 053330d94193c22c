"""schema.org descriptions of public records, for JSON-LD blocks."""

from django.utils.translation import get_language


def _place(request, city: str, country) -> dict:
    return {
        "@type": "Place",
        "name": ", ".join(
            part for part in (city, country.name if country else "") if part
        ),
        "address": {
            "@type": "PostalAddress",
            "addressLocality": city,
            "addressCountry": country.code if country else "",
        },
    }


def institution_jsonld(request, institution) -> dict:
    data = {
        "@context": "https://schema.org",
        "@type": "EducationalOrganization",
        "name": institution.name,
        "url": request.build_absolute_uri(institution.get_absolute_url()),
        "address": {
            "@type": "PostalAddress",
            "addressLocality": institution.city,
            "addressRegion": institution.region,
            "addressCountry": institution.country.code,
        },
    }
    if institution.official_name:
        data["alternateName"] = institution.official_name
    if institution.website:
        data["sameAs"] = institution.website
    if institution.email:
        data["email"] = institution.email
    if institution.latitude is not None:
        data["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": float(institution.latitude),
            "longitude": float(institution.longitude),
        }
    return data


def exchange_jsonld(request, exchange) -> dict:
    mode = {
        "on_site": "https://schema.org/OfflineEventAttendanceMode",
        "online": "https://schema.org/OnlineEventAttendanceMode",
        "hybrid": "https://schema.org/MixedEventAttendanceMode",
    }[exchange.mode]
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": exchange.title,
        "description": exchange.summary,
        "url": request.build_absolute_uri(exchange.get_absolute_url()),
        "inLanguage": get_language(),
        "startDate": exchange.starts_on.isoformat(),
        "endDate": (exchange.ends_on or exchange.starts_on).isoformat(),
        "eventAttendanceMode": mode,
        "eventStatus": "https://schema.org/EventCancelled"
        if exchange.cancelled
        else "https://schema.org/EventScheduled",
        "location": _place(request, exchange.location_city, exchange.location_country),
        "organizer": {
            "@type": "EducationalOrganization",
            "name": exchange.host.name,
            "url": request.build_absolute_uri(exchange.host.get_absolute_url()),
        },
    }
    if exchange.places is not None:
        data["maximumAttendeeCapacity"] = exchange.places
    return data
