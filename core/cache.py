"""Django's Redis cache, keeping one client per connection pool instead of building one for every operation.

``django.core.cache.backends.redis.RedisCacheClient.get_client`` makes a new ``redis.Redis`` around the shared pool
on each get and set; building it (its table of response callbacks) cost as much as the round trip to Redis. A client
is safe to share between threads (each command takes a connection from the pool), so each pool gets one, once.
"""

from __future__ import annotations

from typing import Any

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class _SharedClients(RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        base: Any = self  # django-stubs do not describe RedisCacheClient's private helpers
        index = base._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = base._client(connection_pool=base._get_connection_pool(write))
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = _SharedClients
