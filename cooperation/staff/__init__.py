"""The staff's side: the admin at /admin/.

- ``admin``: one ModelAdmin per record type (imported by
  ``CooperationConfig.ready``, since the admin's autodiscovery looks for
  ``cooperation.admin``);
- ``sites``: the admin site, its dashboard and its language menu;
- ``two_factor``: two-factor sign-in;
- ``reminders``: the e-mails about agreements that are about to expire.

The admin's import and export screens come from ``transfer/``.
"""
