"""In-process token buckets: how often one client may do something costly or guessable.

Per process (each server worker keeps its own): with N workers a client gets at most N times the rate, which is
what these limits are for, slowing down enumeration of customers and floods of new conversations, not billing.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass


@dataclass
class _Bucket:
    tokens: float
    at: float


class RateLimit:
    """`per_minute` steady rate with bursts of up to `burst`, per key (a client address and a shop, a conversation)."""

    def __init__(self, per_minute: float, burst: int, max_keys: int = 100_000) -> None:
        self.rate_s = per_minute / 60.0
        self.burst = float(burst)
        self.max_keys = max_keys
        self._buckets: dict[str, _Bucket] = {}
        # Tools run on worker threads; the check and the take must be one step.
        self._lock = threading.Lock()

    def allow(self, key: str, now: float | None = None) -> bool:
        """Take one token for `key`; False when its bucket is empty (the caller refuses the request)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                if len(self._buckets) >= self.max_keys:
                    self._forget_full(now)
                bucket = self._buckets[key] = _Bucket(self.burst, now)
            bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.at) * self.rate_s)
            bucket.at = now
            if bucket.tokens < 1.0:
                return False
            bucket.tokens -= 1.0
            return True

    def retry_after_s(self, key: str) -> float:
        """Seconds until `key` may try again (for a Retry-After header)."""
        with self._lock:
            bucket = self._buckets.get(key)
            missing = 1.0 - bucket.tokens if bucket else 0.0
        return max(missing, 0.0) / self.rate_s

    def _forget_full(self, now: float) -> None:
        # Keys whose buckets have refilled hold no information: dropping them bounds the memory a flood of keys takes.
        refill_s = self.burst / self.rate_s
        self._buckets = {k: b for k, b in self._buckets.items() if now - b.at < refill_s}
