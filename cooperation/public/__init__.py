"""The public site: what visitors see, in four languages, without signing in.

- ``views``: the home page, the catalogs (exchanges, institutions,
  agreements) and their detail pages, the map, statistics, document
  downloads and robots.txt; every query starts from a model's ``public()``
  gate;
- ``filters``: one FilterSet per catalog (also the API's);
- ``feeds``: Atom, iCalendar and CSV of the exchanges;
- ``embed``: the catalog framed on partners' sites, and its snippet;
- ``sitemaps``, ``structured_data`` (JSON-LD), ``forms`` (interest),
  ``templatetags`` (``{% load registry %}``, named in settings.TEMPLATES).

It imports the core only: never ``staff/`` or ``transfer/``.
"""
