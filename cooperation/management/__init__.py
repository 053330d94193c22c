"""The ``manage.py`` commands (``commands/``): the daily jobs, the import,
backups, the demo and generated data. They may call every audience."""
