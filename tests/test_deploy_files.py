"""compose.yaml and docs/deploy.md (issue 9, §7): the compose file cannot be
run here (no images), so its YAML, its services and the environment it
gives the app are checked; the environment is loaded by the settings."""

import re
from pathlib import Path

import pytest
import yaml
from django.conf import settings

from tests.test_production import fresh_process

BASE_DIR = Path(settings.BASE_DIR)
#: What a .env next to compose.yaml gives (docs/deploy.md, "Containers").
DOT_ENV = {
    "SITE_HOST": "registry.example.org",
    "DJANGO_SECRET_KEY": "a-secret-key-of-fifty-random-characters-0123456789-x",
    "POSTGRES_PASSWORD": "postgres-password",
    "MINIO_ROOT_PASSWORD": "minio-password",
}
VARIABLE = re.compile(r"\$\{(\w+)(?::([?-])([^}]*))?\}")


def interpolated(value: str, env: dict[str, str]) -> str:
    """``value`` as Docker Compose reads it: ${NAME}, ${NAME:-default},
    ${NAME:?error}; $$ is a dollar sign."""

    def substitute(match):
        name, kind, rest = match.groups()
        if env.get(name):
            return env[name]
        if kind == "-":
            return rest
        raise AssertionError(f"compose.yaml needs {name}: {rest}")

    return VARIABLE.sub(substitute, value.replace("$$", "\0")).replace("\0", "$")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((BASE_DIR / "compose.yaml").read_text())


def test_compose_has_the_pieces_of_the_deployment(compose):
    services = compose["services"]
    assert set(services) == {
        "proxy",
        "app-1",
        "app-2",
        "migrate",
        "postgres",
        "redis",
        "minio",
        "bucket",
    }
    for name, service in services.items():
        needs = service.get("depends_on", [])
        assert set(needs) <= set(services), (name, needs)
        assert "image" in service or "build" in service, name
    for name in ("app-1", "app-2"):
        assert services[name]["depends_on"]["migrate"] == {
            "condition": "service_completed_successfully"
        }
        assert "ports" not in services[name]  # reached through the proxy only
    caddyfile = compose["configs"]["caddyfile"]["content"]
    assert "reverse_proxy app-1:8000 app-2:8000" in caddyfile
    assert "health_uri /readyz" in caddyfile


def test_compose_app_environment_is_a_valid_production_configuration(compose):
    app = compose["services"]["app-1"]
    env = {
        name: interpolated(str(value), DOT_ENV)
        for name, value in app["environment"].items()
    }
    proxy = compose["services"]["proxy"]["networks"]["registry"]["ipv4_address"]
    assert env["DJANGO_TRUSTED_PROXIES"] == proxy
    assert f"--forwarded-allow-ips={proxy}" in app["command"]
    result = fresh_process(
        "import django; django.setup()\n"
        "from django.conf import settings as s\n"
        "print(s.STORAGES['default']['BACKEND'], s.STORAGES['documents']['BACKEND'])\n"
        "print(s.CACHES['default']['BACKEND'], s.CACHES['default']['LOCATION'])\n"
        "print(s.DATABASES['default']['HOST'], s.ALLOWED_HOSTS, s.TRUSTED_PROXIES)\n"
        "from django.core.management import call_command\n"
        "call_command('check', deploy=True, fail_level='ERROR')\n",
        **env,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[:3] == [
        "cooperation.s3storage.S3MediaStorage cooperation.s3storage.S3DocumentStorage",
        "cooperation.caching.RedisCache redis://redis:6379/0",
        "postgres ['registry.example.org'] [IPv4Network('172.30.0.10/32')]",
    ]


def test_compose_refuses_to_start_without_the_secrets(compose):
    app = compose["services"]["app-1"]
    with pytest.raises(AssertionError, match="DJANGO_SECRET_KEY"):
        interpolated(app["environment"]["DJANGO_SECRET_KEY"], {})


def test_the_readme_links_the_deployment_guide():
    readme = (BASE_DIR / "README.md").read_text()
    assert "(docs/deploy.md)" in readme
    guide = (BASE_DIR / "docs" / "deploy.md").read_text()
    for variable in (
        "REDIS_URL",
        "DATABASE_REPLICA_URL",
        "DJANGO_S3_BUCKET",
        "DJANGO_TRUSTED_PROXIES",
    ):
        assert variable in guide, variable
