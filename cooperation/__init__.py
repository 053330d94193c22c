"""The cooperation registry: one Django app (label ``cooperation``), laid out
by audience on one core.

The core is this package's top level, and imports none of the audiences:

- ``models/``: the records, their querysets and their rules (a rule has one
  owner here: the host is not a partner, an agreement has two parties, the
  "soon" windows, slug making);
- ``services``: the writes with side effects; ``permissions``: who may see
  or change what; ``languages``: the site's languages; ``search``: full-text
  search; ``identifiers``, ``images``, ``storage``, ``s3storage``,
  ``spreadsheets``, ``caching``, ``paginators``, ``translation`` (translated
  fields and history);
- the infrastructure: ``settings``, ``urls`` (the front door that mounts
  every audience), ``health``, ``middleware``, ``media``, ``security``,
  ``logs``, ``routers``, ``backups``, ``apps``, ``wsgi``/``asgi``.

The audiences, each a package that imports the core:

- ``public/``: the public site's pages, catalogs, feeds and embed;
- ``staff/``: the admin, its dashboard, two-factor sign-in and the expiry
  reminders;
- ``transfer/``: import and export of records (spreadsheets in and out);
- ``api/``: the read-only JSON API, on ``public/``'s FilterSets;
- ``management/``: the ``manage.py`` commands, which may call any of them.

``tests/test_layout.py`` checks these directions and README's table.
"""
