"""Shared by the benchmark scripts: output and their throwaway database."""

import sys
from urllib.parse import urlsplit, urlunsplit


def say(text: str = "") -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def bench_url(url: str, suffix: str) -> tuple[str, str]:
    """The benchmark database's name and URL, beside DATABASE_URL's."""
    parts = urlsplit(url)
    name = (parts.path.lstrip("/") or "cooperation") + suffix
    return name, urlunsplit(parts._replace(path="/" + name))


def server_connection(url: str, dbname: str = "postgres"):
    """An autocommit connection to the server's ``dbname`` database."""
    import dj_database_url
    import psycopg2

    params = dj_database_url.parse(url)
    connection = psycopg2.connect(
        dbname=dbname,
        user=params.get("USER") or None,
        password=params.get("PASSWORD") or None,
        host=params.get("HOST") or None,
        port=params.get("PORT") or None,
    )
    connection.autocommit = True
    return connection


def django_on(url: str, repo_root) -> None:
    """Set Django up on the benchmark database ``url``."""
    import os

    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cooperation.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-not-a-secret")
    sys.path.insert(0, str(repo_root))
    import django

    django.setup()
