"""The cache backend used when REDIS_URL is set (cooperation.caching.RedisCache),
against a Redis server of the test's own (``make test`` installs
redis-server): one ``redis.Redis`` kept for every operation, and
``count_and_get_many`` (the API throttle's count with the view's reads, in
one Lua script) through a SCRIPT FLUSH, a restart and several threads."""

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache

from cooperation import caching

PATIENCE = 10  # seconds for redis-server to start or stop


class RedisServer:
    """A redis-server on a port of its own, without persistence."""

    def __init__(self, directory) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.fail(
                "The Redis cache backend is tested against a redis-server of "
                "the test's own, and this machine has none. Install it "
                "(Debian: apt-get install redis-server; make test does so)."
            )
        self.binary = binary
        self.directory = directory
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1"]
            + ["--save", "", "--appendonly", "no", "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        probe = redis.Redis.from_url(self.url, socket_connect_timeout=1)
        deadline = time.monotonic() + PATIENCE
        while True:
            try:
                probe.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    pytest.fail(f"redis-server on {self.port} did not start.")
                time.sleep(0.05)
            finally:
                probe.close()

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(PATIENCE)
            self.process = None

    def client(self) -> redis.Redis:
        """A client of the test's own, beside the cache's."""
        return redis.Redis.from_url(self.url)


@pytest.fixture
def redis_server(tmp_path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def redis_cache(settings, redis_server):
    """The default cache as settings.py makes it when REDIS_URL is set."""
    settings.CACHES = {
        "default": {
            "BACKEND": "cooperation.caching.RedisCache",
            "LOCATION": redis_server.url,
            "KEY_PREFIX": "test",
        }
    }
    backend = caches["default"]
    assert isinstance(backend, caching.RedisCache)
    return backend


def clients_made(monkeypatch) -> list[redis.Redis]:
    """Every ``redis.Redis`` made from now on."""
    made: list[redis.Redis] = []
    original = redis.Redis.__init__

    def recorded(self, *args, **kwargs):
        made.append(self)
        original(self, *args, **kwargs)

    monkeypatch.setattr(redis.Redis, "__init__", recorded)
    return made


def every_operation(cache) -> None:
    cache.set("a", 1, 60)
    assert cache.get("a") == 1
    assert cache.add("b", {"kept": [1, 2]}, 60)
    assert cache.get_many(["a", "b", "none"]) == {"a": 1, "b": {"kept": [1, 2]}}
    assert cache.incr("a") == 2
    assert cache.has_key("b")
    assert cache.touch("b", 120)
    cache.set_many({"c": "three", "d": 4}, 60)
    assert cache.delete("c")
    cache.delete_many(["b", "d"])
    assert cache.get_many(["b", "c", "d"]) == {}


def test_the_backend_keeps_one_redis_client_for_all_its_operations(
    redis_cache, redis_server, monkeypatch
):
    made = clients_made(monkeypatch)
    every_operation(redis_cache)
    assert redis_cache.count_and_get_many("n", 60, ["a"]) == (1, {"a": 2})
    every_operation(redis_cache)
    assert len(made) == 1
    # Django's own backend, for comparison, makes one for every operation.
    made.clear()
    every_operation(DjangoRedisCache(redis_server.url, {"KEY_PREFIX": "django"}))
    assert len(made) == 11  # one per operation


def test_one_backend_may_serve_several_threads(redis_cache):
    """Django keeps a backend per thread, but even one shared by threads
    (and so one redis.Redis over one connection pool) counts right."""
    redis_cache.set("value", "kept", 60)

    def count() -> list[int]:
        counts = []
        for _ in range(200):
            number, found = redis_cache.count_and_get_many("n", 60, ["value"])
            assert found == {"value": "kept"}
            counts.append(number)
        return counts

    with ThreadPoolExecutor(4) as pool:
        counted = [pool.submit(count) for _ in range(4)]
    # result() raises what a thread raised.
    counts = [number for each in counted for number in each.result()]
    assert sorted(counts) == list(range(1, 801))
    assert redis_cache.get("n") == 800


@pytest.mark.parametrize("backend", ["locmem", "redis"])
def test_count_and_get_many_counts_and_reads(backend, request):
    """``caching.count_and_get_many``: one Lua script with Redis, incr (or
    add) and get_many otherwise; the same answers."""
    if backend == "redis":
        request.getfixturevalue("redis_cache")
    cache = caches["default"]
    cache.set("number", 7, 60)
    cache.set("answer", (3, b"{}", "application/json"), 60)
    assert caching.count_and_get_many("n", 60, ["number", "answer", "none"]) == (
        1,
        {"number": 7, "answer": (3, b"{}", "application/json")},
    )
    assert caching.count_and_get_many("n", 60, []) == (2, {})
    assert caching.count_and_get_many("other", 60, ["number"]) == (1, {"number": 7})
    # The counter is an integer to Django's cache too.
    assert cache.get("n") == 2
    assert cache.incr("n") == 3
    assert caching.count_and_get_many("n", 60, []) == (4, {})


def test_the_counter_expires_from_its_first_count(redis_cache, redis_server):
    raw = redis_server.client()
    key = redis_cache.make_key("n")
    assert redis_cache.count_and_get_many("n", 60, []) == (1, {})
    assert 0 < raw.ttl(key) <= 60
    # Later counts keep the first count's expiry (whatever their timeout).
    raw.expire(key, 30)
    assert redis_cache.count_and_get_many("n", 600, []) == (2, {})
    assert 0 < raw.ttl(key) <= 30
    # Once expired, counting starts again (with a new expiry).
    raw.delete(key)
    assert redis_cache.count_and_get_many("n", 600, []) == (1, {})
    assert 30 < raw.ttl(key) <= 600


def test_a_script_flush_does_not_break_counting(redis_cache, redis_server):
    assert redis_cache.count_and_get_many("n", 60, []) == (1, {})
    raw = redis_server.client()
    raw.script_flush()
    assert redis_cache.count_and_get_many("n", 60, []) == (2, {})
    assert raw.script_exists(redis_cache._cache._script.sha) == [True]


def test_a_restart_does_not_break_the_cache(redis_cache, redis_server):
    """The kept client reconnects to a restarted Redis (which has forgotten
    the script and, without persistence, the counts); while Redis is down,
    operations raise redis-py's ConnectionError, as Django's backend's do."""
    redis_cache.set("a", 1, 60)
    assert redis_cache.count_and_get_many("n", 60, ["a"]) == (1, {"a": 1})
    redis_server.stop()
    django_backend = DjangoRedisCache(redis_server.url, {})
    for operation in (
        lambda: redis_cache.count_and_get_many("n", 60, ["a"]),
        lambda: redis_cache.get("a"),
        lambda: django_backend.get("a"),
    ):
        with pytest.raises(redis.ConnectionError):
            operation()
    redis_server.start()
    assert redis_cache.count_and_get_many("n", 60, ["a"]) == (1, {})
    redis_cache.set("a", 2, 60)
    assert redis_cache.count_and_get_many("n", 60, ["a"]) == (2, {"a": 2})
