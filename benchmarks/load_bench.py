"""Load benchmark of the HTTP API: N concurrent customer conversations against a real server on loopback.

Starts `python -m server` in a subprocess on a free port (its own data directory: the first run seeds the demo shop
and indexes knowledge, which is not timed), then drives conversations through the storefront API and prints turns
per second, latency percentiles, errors and the server's peak resident memory.

    .venv/bin/python benchmarks/load_bench.py --conversations 20 --concurrency 10
    .venv/bin/python benchmarks/load_bench.py --data-dir /tmp/bench-data --json   # reuse a seeded data dir
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO

import httpx

ROOT = Path(__file__).resolve().parents[1]
SHOP_KEY = "demo-storefront-key"
SCRIPT = (
    "Hi there",
    "What is your return policy?",
    "Do you ship to Canada?",
    "Where is my order?",
    "I want to talk to a human",
)


@dataclass
class Results:
    conversations: int
    turns: int = 0
    errors: int = 0
    wall_s: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    error_samples: list[str] = field(default_factory=list)
    server_peak_rss_mb: float | None = None

    def summary(self) -> dict[str, object]:
        ordered = sorted(self.latencies_ms)

        def pct(p: float) -> float:
            return round(ordered[min(len(ordered) - 1, int(p * len(ordered)))], 1) if ordered else 0.0

        data = asdict(self)
        data.pop("latencies_ms")
        data |= {
            "turns_per_s": round(self.turns / self.wall_s, 2) if self.wall_s else 0.0,
            "latency_p50_ms": pct(0.50),
            "latency_p95_ms": pct(0.95),
            "latency_max_ms": round(ordered[-1], 1) if ordered else 0.0,
            "latency_mean_ms": round(statistics.fmean(ordered), 1) if ordered else 0.0,
        }
        return data


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def peak_rss_mb(pid: int) -> float | None:
    """VmHWM: the process's high-water mark of resident memory (Linux)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def start_server(port: int, data_dir: Path, log: IO[bytes] | None) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "SHOPDESK_DATA_DIR": str(data_dir),
        "SHOPDESK_ENGINE": os.environ.get("SHOPDESK_ENGINE", "local"),
        "HF_HUB_OFFLINE": "1",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("SHOPDESK_DATABASE_URL", None)
    env.pop("SHOPDESK_CHECKPOINT_URL", None)
    command = [sys.executable, "-m", "server", "--port", str(port), "--log-level", "warning"]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT if log else None)


async def wait_ready(base: str, server: subprocess.Popen[bytes], timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    async with httpx.AsyncClient() as client:
        while time.monotonic() < deadline:
            if server.poll() is not None:
                raise SystemExit(f"server exited with {server.returncode} before it was ready")
            try:
                if (await client.get(f"{base}/health", timeout=2)).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.25)
    raise SystemExit(f"server not ready after {timeout_s:.0f}s")


async def converse(client: httpx.AsyncClient, base: str, turns: int, results: Results) -> None:
    created = await client.post(f"{base}/v1/conversations", headers={"X-Shop-Key": SHOP_KEY}, json={})
    if created.status_code != 201:
        results.errors += 1
        results.error_samples.append(f"create: {created.status_code} {created.text[:200]}")
        return
    body = created.json()
    headers = {"X-Shop-Key": SHOP_KEY, "Authorization": f"Bearer {body['conversation_token']}"}
    url = f"{base}/v1/conversations/{body['conversation_id']}/messages"
    for index in range(turns):
        started = time.perf_counter()
        try:
            response = await client.post(url, headers=headers, json={"text": SCRIPT[index % len(SCRIPT)]})
        except httpx.HTTPError as error:
            results.errors += 1
            results.error_samples.append(f"turn: {type(error).__name__}: {error}")
            continue
        results.latencies_ms.append((time.perf_counter() - started) * 1000)
        if response.status_code == 200:
            results.turns += 1
        else:
            results.errors += 1
            results.error_samples.append(f"turn: {response.status_code} {response.text[:200]}")


async def run(args: argparse.Namespace) -> Results:
    port = args.port or free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="shopdesk-bench-") as scratch:
        data_dir = Path(args.data_dir) if args.data_dir else Path(scratch)
        # The server's own output (first-run progress bars, warnings) goes to a file unless asked for.
        log_path = Path(scratch) / "server.log"
        log = None if args.verbose else log_path.open("wb")
        server = start_server(port, data_dir, log)
        try:
            try:
                await wait_ready(base, server, args.startup_timeout)
            except SystemExit:
                if log:
                    log.flush()
                    sys.stderr.write(log_path.read_text(errors="replace")[-4000:])
                raise
            results = Results(conversations=args.conversations)
            limit = asyncio.Semaphore(args.concurrency)
            async with httpx.AsyncClient(timeout=args.timeout) as client:
                # One untimed turn loads the models and the knowledge index, as a warm server would have them.
                await converse(client, base, 2, Results(conversations=1))

                async def one() -> None:
                    async with limit:
                        await converse(client, base, args.turns, results)

                started = time.perf_counter()
                await asyncio.gather(*(one() for _ in range(args.conversations)))
                results.wall_s = round(time.perf_counter() - started, 3)
            results.server_peak_rss_mb = peak_rss_mb(server.pid)
            results.error_samples = results.error_samples[:5]
            return results
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
            if log:
                log.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--conversations", type=int, default=20, help="conversations to run")
    parser.add_argument("--turns", type=int, default=len(SCRIPT), help="customer messages per conversation")
    parser.add_argument("--concurrency", type=int, default=10, help="conversations in flight at once")
    parser.add_argument("--port", type=int, help="port for the server (default: a free one)")
    parser.add_argument("--data-dir", help="reuse this data directory (default: a fresh temporary one)")
    parser.add_argument("--timeout", type=float, default=120.0, help="per-request timeout in seconds")
    parser.add_argument("--startup-timeout", type=float, default=600.0, help="seconds to wait for the server")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.add_argument("--verbose", action="store_true", help="show the server's output")
    args = parser.parse_args(argv)
    summary = asyncio.run(run(args)).summary()
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        for key, value in summary.items():
            print(f"{key:>20}: {value}")
    return 0 if not summary["errors"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
