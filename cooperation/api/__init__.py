"""The read-only JSON API at /api/v1/ (Django REST framework, described by
drf-spectacular): the public catalogs' records through the same ``public()``
gates, filtered, searched and sorted by the catalogs' own FilterSets
(cooperation/public/filters.py), paged with cursors that stay fast on deep pages.

- ``views``: the endpoints, their conditional answers (ETag, Last-Modified,
  304) and CORS headers, and the documentation page;
- ``serializers``: what each record shows (only what its public page shows);
- ``filtering``: the FilterSet backend whose refusals are 400s naming the
  parameter;
- ``pagination``: cursors over the catalogs' index-served orders;
- ``throttling``: requests per client address, in the shared cache;
- ``errors``: every refusal as JSON;
- ``schema``: the OpenAPI description's additions (parameters, examples).
"""
