"""Serve the registry with production settings under gunicorn.

``make serve`` runs this after installing the requirements, compiling the
translations and finding the database (DATABASE_URL). It

- takes DJANGO_SECRET_KEY from the environment, or else from
  ``var/secret_key``, which it writes once with a new random key (so a fresh
  clone serves without configuration, and sessions survive a restart);
- allows the hosts ``localhost,127.0.0.1`` unless DJANGO_ALLOWED_HOSTS is set;
- uses Redis as the cache when REDIS_URL is set, or else when a Redis server
  answers on 127.0.0.1:6379 (otherwise each worker caches in its own memory);
- migrates, collects the static files, and replaces itself with gunicorn
  (configured by gunicorn.conf.py, debugging off).
"""

import os
import secrets
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
SECRET_KEY_FILE = REPO_ROOT / "var" / "secret_key"
LOCAL_REDIS = "redis://127.0.0.1:6379/0"
DEFAULT_HOSTS = "localhost,127.0.0.1"


def say(text: str) -> None:
    sys.stderr.write(f"serve: {text}\n")
    sys.stderr.flush()


def secret_key(path: Path | None = None) -> str:
    """The key kept in ``path`` (var/secret_key), made (readable by its owner
    only) if missing."""
    path = path or SECRET_KEY_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(50) + "\n")
        say(f"new secret key written to {path}")
    key = path.read_text().strip()
    if not key:
        raise SystemExit(f"{path} is empty: delete it to make a new key.")
    return key


def redis_answers(url: str, timeout: float = 0.5) -> bool:
    """True when a Redis server at ``url`` answers PING within ``timeout``."""
    import redis

    try:
        client = redis.Redis.from_url(
            url, socket_connect_timeout=timeout, socket_timeout=timeout
        )
        return bool(client.ping())
    except (redis.RedisError, OSError):
        return False


def production_environment(environ: dict) -> dict:
    """The environment gunicorn runs in, from the one we were given."""
    env = dict(environ)
    env["DJANGO_DEBUG"] = "0"
    env.setdefault("DJANGO_SETTINGS_MODULE", "cooperation.settings")
    if not env.get("DJANGO_SECRET_KEY"):
        env["DJANGO_SECRET_KEY"] = secret_key()
    if not env.get("DJANGO_ALLOWED_HOSTS"):
        env["DJANGO_ALLOWED_HOSTS"] = DEFAULT_HOSTS
    if env.get("REDIS_URL"):
        say(f"cache: Redis at {env['REDIS_URL']} (REDIS_URL)")
    elif redis_answers(LOCAL_REDIS):
        env["REDIS_URL"] = LOCAL_REDIS
        say(f"cache: Redis at {LOCAL_REDIS}")
    else:
        say("cache: each worker's memory (no Redis answers on 127.0.0.1:6379)")
    return env


def main() -> None:
    os.chdir(REPO_ROOT)
    env = production_environment(os.environ)
    manage = [sys.executable, "manage.py"]
    for command in (["migrate", "--noinput"], ["collectstatic", "--noinput", "-v0"]):
        subprocess.run(manage + command, env=env, check=True)
    gunicorn = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"]
    say(f"gunicorn on http://127.0.0.1:{env.get('PORT', '8000')}/")
    os.execve(sys.executable, gunicorn, env)


if __name__ == "__main__":
    main()
