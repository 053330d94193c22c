"""scripts/serve.py: what `make serve` sets up before it starts gunicorn."""

import importlib.util
import socket
import stat

import pytest
from django.conf import settings

spec = importlib.util.spec_from_file_location(
    "serve", settings.BASE_DIR / "scripts" / "serve.py"
)
serve = importlib.util.module_from_spec(spec)
spec.loader.exec_module(serve)


def test_secret_key_is_made_once_and_kept_private(tmp_path):
    path = tmp_path / "var" / "secret_key"
    key = serve.secret_key(path)
    assert len(key) >= 50
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert serve.secret_key(path) == key


def test_empty_secret_key_file_is_refused(tmp_path):
    path = tmp_path / "secret_key"
    path.write_text("\n")
    with pytest.raises(SystemExit, match="is empty"):
        serve.secret_key(path)


def test_redis_that_does_not_answer_is_not_used():
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    assert serve.redis_answers(f"redis://127.0.0.1:{port}/0") is False


@pytest.fixture
def no_key_file(monkeypatch, tmp_path):
    monkeypatch.setattr(serve, "SECRET_KEY_FILE", tmp_path / "secret_key")


def test_production_environment_from_nothing(monkeypatch, no_key_file):
    monkeypatch.setattr(serve, "redis_answers", lambda url: url == serve.LOCAL_REDIS)
    env = serve.production_environment({"DJANGO_DEBUG": "1", "PATH": "/bin"})
    assert env["DJANGO_DEBUG"] == "0"
    assert env["DJANGO_ALLOWED_HOSTS"] == "localhost,127.0.0.1"
    assert env["DJANGO_SECRET_KEY"] == serve.secret_key()
    assert env["REDIS_URL"] == "redis://127.0.0.1:6379/0"
    assert env["PATH"] == "/bin"


def test_production_environment_keeps_what_is_set(monkeypatch, no_key_file):
    monkeypatch.setattr(serve, "redis_answers", lambda url: True)
    given = {
        "DJANGO_SECRET_KEY": "given",
        "DJANGO_ALLOWED_HOSTS": "registry.example.org",
        "REDIS_URL": "redis://cache.example.org:6379/1",
    }
    env = serve.production_environment(given)
    assert {key: env[key] for key in given} == given


def test_no_redis_url_when_no_redis_answers(monkeypatch, no_key_file):
    monkeypatch.setattr(serve, "redis_answers", lambda url: False)
    assert "REDIS_URL" not in serve.production_environment({})
