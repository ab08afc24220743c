"""Load benchmark of the HTTP API: concurrent customer conversations against a real server on loopback.

What it does, in order (only step 4 is timed):

1. builds a fresh data directory (`python -m shopdesk setup`: the seeded demo shop and its knowledge index),
2. picks real customers and their orders from that shop and signs storefront customer tokens for some of them,
   exactly as a shop's backend would (the documented JWT: HS256, audience shopdesk:customer, required exp),
3. starts `python -m server` (uvicorn, local engine) in a subprocess on a free port of 127.0.0.1 and warms it up
   with one conversation of each kind,
4. runs `--conversations` conversations at once, `--turns` customer messages each, and samples the server's resident
   memory (its process and any children) every 50 ms.

Conversations are varied and realistic: greetings, order status and tracking for the signed-in customer's real
orders, guests who verify by email first, return/shipping/payment policy questions, product questions about real
catalog items, thanks, and now and then a request for a person (always a conversation's last message, as the
conversation then belongs to the agents' queue). Phrasings are drawn at random (`--seed`) from several per topic.

Two ways to load the server:
- closed loop (default, `--rate 0`): every conversation sends its next message as soon as it has the reply. This
  measures capacity: turns/s is the most the server sustains with that many conversations in flight, and latency is
  queueing-dominated (Little's law: mean latency = conversations / throughput).
- paced (`--rate R`): the conversations together offer R messages per second (each customer waits 0.5 to 1.5
  times the mean gap between messages, starts staggered), never sending before they have the previous reply. This
  measures latency at a given load; turns/s then shows whether the server kept up with the offered rate.

`turns_per_s` counts the turns answered while all the conversations were in flight (the stated concurrency), over
that window; `turns_per_s_whole_run` divides all turns by the whole run, ramp-up and tail included. A server that
keeps up serves the offered rate less about 1% (the window's edges, measured with instant answers), so to show that
a rate is sustained, offer a little more: `--rate 105` for 100.

    .venv/bin/python benchmarks/load_bench.py --conversations 32 --turns 8
    .venv/bin/python benchmarks/load_bench.py --conversations 32 --turns 24 --rate 110
    .venv/bin/python benchmarks/load_bench.py --data-dir /tmp/bench-data --json   # reuse (and keep) a data dir
    .venv/bin/python benchmarks/load_bench.py --workers 1    # one server process instead of one per core
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

import httpx
import jwt
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))  # run as a script, or loaded from its file by the tests

from lean_http import Connection, HTTPError

ROOT = Path(__file__).resolve().parents[1]
SHOP_ID = "demo"
SHOP_KEY = "demo-storefront-key"
# The benchmark is the shop's backend here: it signs customer tokens with the secret it gives the server.
TOKEN_SECRET = "load-bench-customer-token-secret"

# --- what customers say ---------------------------------------------------------------------------------------------

GREETINGS = ("Hi there", "hello!", "Hey, good morning", "Hi, I have a question", "hi")
THANKS = ("thanks, that's all", "Thank you!", "great, thanks a lot", "ok thanks, bye", "perfect, cheers")
POLICY = (
    "What is your return policy?",
    "How many days do I have to return something?",
    "Do you ship to Canada?",
    "How long does standard shipping take?",
    "Can I exchange shoes for a different size?",
    "How long does a refund take to show up on my card?",
    "Which payment methods do you accept?",
    "Is there a warranty on jackets?",
    "Do I have to pay for return shipping?",
    "Can I use two vouchers on one order?",
    "How do I delete my account?",
    "Do you offer express delivery?",
)
PRODUCT = (
    "Is the {product} in stock?",
    "How much is the {product}?",
    "What sizes does the {product} come in?",
    "Tell me about the {product}",
    "Which colours are there for the {product}?",
    "Do you have any {category}?",
    "Can you recommend some {category} for hiking?",
)
ORDER_STATUS = (
    "Where is my order {order}?",
    "what's the status of order {order}",
    "Has {order} shipped yet?",
    "Can you check on my order {order} please",
    "I'm waiting for {order}, any news?",
)
ORDER_FOLLOW_UP = (
    "When will it arrive?",
    "What's the tracking number?",
    "Which carrier is it with?",
    "what's the status of my last order?",
)
GUEST_ORDER = ("Where is my order?", "I want to check on my order", "Where's my parcel?")
GUEST_VERIFY = ("It's {email}", "my email is {email}", "{email}")
HUMAN = (
    "I want to talk to a human",
    "Can I speak to a real person please?",
    "Please put me through to an agent",
)
# The share of conversations that end with asking for a person.
HUMAN_SHARE = 0.125


@dataclass(frozen=True)
class Customer:
    id: str
    email: str
    orders: tuple[str, ...]


@dataclass(frozen=True)
class Shop:
    customers: tuple[Customer, ...]
    products: tuple[str, ...]
    categories: tuple[str, ...]


@dataclass(frozen=True)
class Message:
    kind: str  # greeting, policy, product, order, order_follow_up, verify, thanks, human
    text: str
    # For order questions: the order id the reply should name (a cheap check that the answer is the real one).
    order: str | None = None


@dataclass(frozen=True)
class Script:
    persona: str  # "signed_in" (customer token) or "guest"
    customer: Customer | None
    messages: tuple[Message, ...]


def load_shop(db_path: Path) -> Shop:
    """Customers with at least one order that is worth asking about, and the catalog, from the seeded shop."""
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as db:
        rows = db.execute(
            "SELECT c.id, c.email, o.id FROM customers c JOIN orders o ON o.customer_id = c.id "
            "WHERE o.status IN ('pending', 'processed', 'shipped', 'delivered') ORDER BY c.id, o.id"
        ).fetchall()
        products = tuple(row[0] for row in db.execute("SELECT name FROM products ORDER BY id"))
        categories = tuple(row[0] for row in db.execute("SELECT DISTINCT category FROM products ORDER BY category"))
    orders: dict[tuple[str, str], list[str]] = defaultdict(list)
    for customer_id, email, order_id in rows:
        orders[(customer_id, email)].append(order_id)
    customers = tuple(Customer(cid, email, tuple(ids)) for (cid, email), ids in orders.items())
    if not customers or not products:
        raise SystemExit(f"{db_path} has no customers with orders or no products: was the shop seeded?")
    return Shop(customers=customers, products=products, categories=categories)


def _question(rng: random.Random, shop: Shop, customer: Customer | None) -> Message:
    """A policy or product question, the filler every kind of conversation has; known customers ask about orders."""
    if customer is not None and rng.random() < 0.3:
        order = rng.choice(customer.orders)
        return Message("order", rng.choice(ORDER_STATUS).format(order=order), order)
    if rng.random() < 0.5:
        return Message("policy", rng.choice(POLICY))
    template = rng.choice(PRODUCT)
    text = template.format(product=rng.choice(shop.products), category=rng.choice(shop.categories))
    return Message("product", text)


def _new_question(rng: random.Random, shop: Shop, customer: Customer | None, asked: set[str]) -> Message:
    """A question this customer has not asked yet: people repeat a question word for word only when the answer did
    not help, which the bot rightly reads as frustration (and hands over), so repeats would skew the mix."""
    for _ in range(20):
        message = _question(rng, shop, customer)
        if message.text not in asked:
            return message
    return message


def make_script(rng: random.Random, shop: Shop, turns: int) -> Script:
    """One customer's conversation of exactly `turns` messages."""
    customer = rng.choice(shop.customers)
    signed_in = rng.random() < 0.6
    opening: list[Message] = []
    if rng.random() < 0.5:
        opening.append(Message("greeting", rng.choice(GREETINGS)))
    order = rng.choice(customer.orders)
    known = customer if signed_in else None
    roll = rng.random()
    if signed_in and roll < 0.7:
        opening.append(Message("order", rng.choice(ORDER_STATUS).format(order=order), order))
        opening.append(Message("order_follow_up", rng.choice(ORDER_FOLLOW_UP), order))
    elif not signed_in and roll < 0.5:
        # A guest asks first, is asked to verify, and answers with the email on the account.
        opening.append(Message("order", rng.choice(GUEST_ORDER)))
        opening.append(Message("verify", rng.choice(GUEST_VERIFY).format(email=customer.email)))
        opening.append(Message("order", rng.choice(ORDER_STATUS).format(order=order), order))
        known = customer
    messages = opening[:turns]
    ends_with_person = rng.random() < HUMAN_SHARE
    while len(messages) < turns - (1 if ends_with_person else 0) - 1:
        messages.append(_new_question(rng, shop, known, {message.text for message in messages}))
    if len(messages) < turns - (1 if ends_with_person else 0):
        messages.append(Message("thanks", rng.choice(THANKS)) if len(messages) >= 2 else _question(rng, shop, known))
    if ends_with_person and len(messages) < turns:
        messages.append(Message("human", rng.choice(HUMAN)))
    return Script("signed_in" if signed_in else "guest", customer if signed_in else None, tuple(messages[:turns]))


def customer_token(customer_id: str, ttl_s: int = 3600) -> str:
    """What a shop's backend hands its logged-in customer's widget: a JWT (see server/README.md)."""
    payload = {"aud": "shopdesk:customer", "shop": SHOP_ID, "sub": customer_id, "exp": int(time.time()) + ttl_s}
    return jwt.encode(payload, TOKEN_SECRET, algorithm="HS256")


# --- results --------------------------------------------------------------------------------------------------------


@dataclass
class Results:
    conversations: int
    turns_per_conversation: int
    offered_rate: float
    turns: int = 0
    errors: int = 0
    wall_s: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    by_kind: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    error_samples: list[str] = field(default_factory=list)
    order_answers: int = 0
    order_answers_naming_order: int = 0
    waiting_for_person: int = 0
    server_peak_rss_mb: float | None = None
    server_processes: int = 0
    server_cpu_s: float = 0.0
    server_cpu_by_process_s: list[float] = field(default_factory=list)
    # The load generator shares the machine: its CPU is CPU the server did not get.
    client_cpu_s: float = 0.0
    load_before: tuple[float, float, float] = (0.0, 0.0, 0.0)
    load_after: tuple[float, float, float] = (0.0, 0.0, 0.0)
    # Per conversation: when it sent its first message and when each of its answered turns came back.
    first_sent_at: list[float] = field(default_factory=list)
    answered_at: list[list[float]] = field(default_factory=list)

    def error(self, sample: str) -> None:
        self.errors += 1
        if len(self.error_samples) < 5:
            self.error_samples.append(sample)

    def summary(self) -> dict[str, Any]:
        return {
            "conversations": self.conversations,
            "turns_per_conversation": self.turns_per_conversation,
            "mode": f"paced at {self.offered_rate:g} turns/s" if self.offered_rate else "closed loop",
            "turns": self.turns,
            "errors": self.errors,
            "wall_s": round(self.wall_s, 2),
            "turns_per_s": self.turns_per_s_all_in_flight(),
            "turns_per_s_whole_run": round(self.turns / self.wall_s, 1) if self.wall_s else 0.0,
            **{f"latency_{name}_ms": value for name, value in percentiles(self.latencies_ms).items()},
            "latency_p50_p95_by_kind_ms": {
                kind: [percentiles(values)["p50"], percentiles(values)["p95"], len(values)]
                for kind, values in sorted(self.by_kind.items())
            },
            "order_answers_naming_the_order": f"{self.order_answers_naming_order}/{self.order_answers}",
            "turns_waiting_for_person": self.waiting_for_person,
            "server_peak_rss_mb": self.server_peak_rss_mb,
            "server_processes": self.server_processes,
            "server_cpu_ms_per_turn": round(self.server_cpu_s * 1000 / self.turns, 1) if self.turns else None,
            "server_cpu_s_by_process": self.server_cpu_by_process_s,
            "client_cpu_ms_per_turn": round(self.client_cpu_s * 1000 / self.turns, 1) if self.turns else None,
            "load_average_before": self.load_before,
            "load_average_after": self.load_after,
            "error_samples": self.error_samples,
        }

    def turns_per_s_all_in_flight(self) -> float:
        """Turns answered per second while every conversation was in flight: from the last conversation's first
        message to the first conversation's last answer.

        This is the rate the server sustained at the stated concurrency; the whole run's average also counts the
        ramp-up and the tail, when fewer conversations are talking (before the gaps were scaled to add up exactly,
        a paced run at 100/s averaged about 89/s over the whole run even with instant answers)."""
        if not self.first_sent_at or not self.answered_at or not all(self.answered_at):
            return 0.0
        start, end = max(self.first_sent_at), min(times[-1] for times in self.answered_at)
        if end <= start:
            return 0.0
        answered = sum(start < t <= end for times in self.answered_at for t in times)
        return round(answered / (end - start), 1)


def percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {"p50": 0.0, "p95": 0.0, "p99": 0.0, "max": 0.0, "mean": 0.0}
    ordered = sorted(values)

    def pct(p: float) -> float:
        # Nearest rank: the smallest value with at least p of the samples at or below it.
        return round(ordered[max(0, min(len(ordered) - 1, int(-(-p * len(ordered) // 1)) - 1))], 1)

    return {
        "p50": pct(0.50),
        "p95": pct(0.95),
        "p99": pct(0.99),
        "max": round(ordered[-1], 1),
        "mean": round(statistics.fmean(ordered), 1),
    }


# --- the server -----------------------------------------------------------------------------------------------------


def default_workers() -> int:
    """As many workers as the server starts without --workers (SHOPDESK_WORKERS, else one per core)."""
    from server.config import ServerSettings

    return ServerSettings().worker_count


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def server_env(data_dir: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "SHOPDESK_DATA_DIR": str(data_dir),
        "SHOPDESK_ENGINE": os.environ.get("SHOPDESK_ENGINE", "local"),
        "SHOPDESK_CUSTOMER_TOKEN_SECRET": TOKEN_SECRET,
        "SHOPDESK_STOREFRONT_KEYS": json.dumps({SHOP_ID: SHOP_KEY}),
        # Every simulated customer comes from this machine's address: the per-client limit on new conversations
        # would otherwise be what the benchmark measures.
        "SHOPDESK_CONVERSATIONS_PER_MINUTE": "1000000",
        "SHOPDESK_CONVERSATIONS_BURST": "1000000",
        "HF_HUB_OFFLINE": "1",
        "PYTHONPATH": str(ROOT),
    }
    for name in ("SHOPDESK_DATABASE_URL", "SHOPDESK_CHECKPOINT_URL", "SHOPDESK_WEBHOOK_URLS", "SHOPDESK_CLOCK"):
        env.pop(name, None)
    return env


def prepare_data(data_dir: Path, log: IO[bytes] | None) -> None:
    """Seed the demo shop and build its index (a no-op on a data directory that has both)."""
    command = [sys.executable, "-m", "shopdesk", "setup"]
    done = subprocess.run(command, cwd=ROOT, env=server_env(data_dir), stdout=log, stderr=log, check=False)
    if done.returncode:
        raise SystemExit(f"`shopdesk setup` failed with {done.returncode}")


def start_server(port: int, data_dir: Path, log: IO[bytes] | None, workers: int | None) -> subprocess.Popen[bytes]:
    env = server_env(data_dir) | {"SHOPDESK_SETUP_ON_START": "false"}
    command = [sys.executable, "-m", "server", "--port", str(port), "--log-level", "warning"]
    if workers:
        command += ["--workers", str(workers)]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT if log else None)


async def wait_ready(base: str, server: subprocess.Popen[bytes], timeout_s: float, workers: int) -> None:
    """Until every worker process answers /health: a worker still warming up would make the first timed turns
    wait for it (each answer names its worker; a new connection per probe lets the kernel pick any worker)."""
    deadline = time.monotonic() + timeout_s
    seen: set[int] = set()
    async with httpx.AsyncClient(limits=httpx.Limits(max_keepalive_connections=0)) as client:
        while time.monotonic() < deadline:
            if server.poll() is not None:
                raise SystemExit(f"server exited with {server.returncode} before it was ready")
            try:
                response = await client.get(f"{base}/health", timeout=2)
                if response.status_code == 200:
                    seen.add(int(response.json().get("worker", 0)))
                    if len(seen) >= workers:
                        return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.05 if seen else 0.25)
    raise SystemExit(f"server not ready after {timeout_s:.0f}s ({len(seen)} of {workers} workers answered)")


class MemorySampler:
    """Peak resident memory of the server (and any child processes), sampled while the load runs, and the CPU
    time they spent meanwhile (what a turn costs, whatever else the machine is doing)."""

    def __init__(self, pid: int, interval_s: float = 0.05) -> None:
        self.pid = pid
        self.interval_s = interval_s
        self.peak_bytes = 0
        self.processes = 0
        self.cpu_s = 0.0
        self.cpu_by_process_s: list[float] = []
        self._cpu_at: dict[int, float] = {}
        self._task: asyncio.Task[None] | None = None

    def _cpu(self) -> dict[int, float]:
        try:
            root = psutil.Process(self.pid)
            processes = [root, *root.children(recursive=True)]
        except psutil.Error:
            return {}
        seconds: dict[int, float] = {}
        for process in processes:
            with suppress(psutil.Error):
                times = process.cpu_times()
                seconds[process.pid] = times.user + times.system
        return seconds

    def sample(self) -> None:
        try:
            root = psutil.Process(self.pid)
            processes = [root, *root.children(recursive=True)]
        except psutil.Error:  # the server has exited
            return
        total = 0
        for process in processes:
            with suppress(psutil.Error):
                total += process.memory_info().rss
        self.processes = max(self.processes, len(processes))
        self.peak_bytes = max(self.peak_bytes, total)

    async def _run(self) -> None:
        while True:
            self.sample()
            await asyncio.sleep(self.interval_s)

    def __enter__(self) -> MemorySampler:
        self._cpu_at = self._cpu()
        self._task = asyncio.get_running_loop().create_task(self._run())
        return self

    def __exit__(self, *exc: object) -> None:
        if self._task:
            self._task.cancel()
        self.sample()
        spent = {pid: seconds - self._cpu_at.get(pid, 0.0) for pid, seconds in self._cpu().items()}
        self.cpu_s = sum(spent.values())
        # Per process, busiest first: shows whether the workers share the load.
        self.cpu_by_process_s = sorted((round(s, 2) for s in spent.values()), reverse=True)

    @property
    def peak_mb(self) -> float:
        return round(self.peak_bytes / 2**20, 1)


# --- the customers --------------------------------------------------------------------------------------------------


def paced_gaps(rng: random.Random, gap: float, messages: int) -> list[float]:
    """Waits between a conversation's messages (one per message; the last is never used): uneven, 0.5 to 1.5
    times `gap` before scaling, and scaled so that the ones used add up to exactly `gap` each on average."""
    drawn = [rng.uniform(0.5 * gap, 1.5 * gap) for _ in range(max(messages - 1, 0))]
    scale = gap * len(drawn) / sum(drawn) if drawn and gap else 1.0
    return [0.0] + [wait * scale for wait in drawn]


async def converse(
    base: str,
    script: Script,
    results: Results,
    gap: float,
    rng: random.Random,
    timeout: float,
    record: bool = True,
) -> None:
    address = urlsplit(base)
    connection = Connection(address.hostname or "127.0.0.1", address.port or 80, timeout)
    try:
        await _converse(connection, script, results, gap, rng, record)
    finally:
        await connection.close()


async def _converse(
    connection: Connection, script: Script, results: Results, gap: float, rng: random.Random, record: bool
) -> None:
    body: dict[str, Any] = {"customer_token": customer_token(script.customer.id)} if script.customer else {}
    try:
        created = await connection.post("/v1/conversations", body, {"X-Shop-Key": SHOP_KEY})
    except HTTPError as error:
        results.error(f"create: {error}")
        return
    if created.status_code != 201:
        results.error(f"create: {created.status_code} {created.text[:200]}")
        return
    opened = created.json()
    headers = {"X-Shop-Key": SHOP_KEY, "Authorization": f"Bearer {opened['conversation_token']}"}
    path = f"/v1/conversations/{opened['conversation_id']}/messages"
    answered_at: list[float] = []
    if record:
        results.answered_at.append(answered_at)
    # Staggered starts, then gaps of about 0.5 to 1.5 times the mean: uneven like real customers, yet each
    # conversation's gaps add up to exactly its share, so together they offer `rate` messages per second.
    gaps = paced_gaps(rng, gap, len(script.messages))
    next_at = time.perf_counter() + rng.uniform(0.0, gap)
    for message in script.messages:
        if gap:
            await asyncio.sleep(max(0.0, next_at - time.perf_counter()))
        started = time.perf_counter()
        if record and message is script.messages[0]:
            results.first_sent_at.append(started)
        try:
            response = await connection.post(path, {"text": message.text}, headers)
        except HTTPError as error:
            results.error(f"turn: {error}")
            continue
        elapsed_ms = (time.perf_counter() - started) * 1000
        next_at = max(next_at + gaps.pop(), time.perf_counter())
        if not record:
            continue
        if response.status_code != 200:
            results.error(f"turn {message.kind} {message.text!r}: {response.status_code} {response.text[:200]}")
            continue
        turn = response.json()
        if not turn.get("replies") and not turn.get("waiting_for_person"):
            results.error(f"turn {message.kind} {message.text!r}: no reply")
            continue
        results.turns += 1
        answered_at.append(started + elapsed_ms / 1000)
        results.latencies_ms.append(elapsed_ms)
        results.by_kind[message.kind].append(elapsed_ms)
        results.waiting_for_person += bool(turn.get("waiting_for_person"))
        if message.kind == "order" and message.order:
            results.order_answers += 1
            text = " ".join(str(reply.get("text", "")) for reply in turn["replies"])
            results.order_answers_naming_order += message.order.lstrip("#") in text


async def drive(args: argparse.Namespace, shop: Shop, base: str, server_pid: int) -> Results:
    rng = random.Random(args.seed)
    scripts = [make_script(rng, shop, args.turns) for _ in range(args.conversations)]
    # Mean gap between one conversation's messages so that all of them together offer `rate` messages per second.
    gap = args.conversations / args.rate if args.rate else 0.0
    # Untimed warm-up: one conversation of each kind loads the models, the index and every code path.
    warm = Results(args.conversations, args.turns, args.rate)
    warm_rng = random.Random(args.seed + 1)
    warm_scripts = [make_script(warm_rng, shop, max(args.turns, 6)) for _ in range(8)]
    await asyncio.gather(*(converse(base, s, warm, 0.0, warm_rng, args.timeout, False) for s in warm_scripts))

    results = Results(args.conversations, args.turns, args.rate, load_before=os.getloadavg())
    with MemorySampler(server_pid) as memory:
        started, client_cpu = time.perf_counter(), time.process_time()
        await asyncio.gather(
            *(
                converse(base, s, results, gap, random.Random(args.seed + 100 + i), args.timeout)
                for i, s in enumerate(scripts)
            )
        )
        results.wall_s = time.perf_counter() - started
        results.client_cpu_s = time.process_time() - client_cpu
    results.load_after = os.getloadavg()
    results.server_peak_rss_mb = memory.peak_mb
    results.server_processes = memory.processes
    results.server_cpu_s = memory.cpu_s
    results.server_cpu_by_process_s = memory.cpu_by_process_s
    return results


@contextmanager
def data_directory(path: str | None) -> Iterator[Path]:
    if path:
        yield Path(path)
        return
    scratch = Path(tempfile.mkdtemp(prefix="shopdesk-bench-"))
    try:
        yield scratch
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


async def run(args: argparse.Namespace) -> Results:
    port = args.port or free_port()
    base = f"http://127.0.0.1:{port}"
    with data_directory(args.data_dir) as data_dir, tempfile.TemporaryDirectory(prefix="shopdesk-bench-log-") as logs:
        log_path = Path(logs) / "server.log"
        with log_path.open("wb") as log_file:
            log = None if args.verbose else log_file
            print(f"preparing data in {data_dir} (seed + index; not timed)", file=sys.stderr)
            await asyncio.to_thread(prepare_data, data_dir, log)
            shop = load_shop(data_dir / "shop.db")
            server = start_server(port, data_dir, log, args.workers)
            try:
                try:
                    await wait_ready(base, server, args.startup_timeout, args.workers or default_workers())
                except SystemExit:
                    log_file.flush()
                    sys.stderr.write(log_path.read_text(errors="replace")[-4000:])
                    raise
                return await drive(args, shop, base, server.pid)
            finally:
                server.terminate()
                try:
                    server.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    server.kill()
                if server.returncode not in (0, -15):
                    log_file.flush()
                    sys.stderr.write(log_path.read_text(errors="replace")[-4000:])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--conversations", type=int, default=32, help="conversations in flight at once")
    parser.add_argument("--turns", type=int, default=8, help="customer messages per conversation")
    parser.add_argument("--rate", type=float, default=0.0, help="offered turns/s in total (0: closed loop)")
    parser.add_argument("--seed", type=int, default=7, help="random seed of the conversations")
    parser.add_argument("--port", type=int, help="port for the server (default: a free one)")
    parser.add_argument("--workers", type=int, help="server worker processes (default: the server's, one per core)")
    parser.add_argument("--data-dir", help="use and keep this data directory (default: a fresh temporary one)")
    parser.add_argument("--timeout", type=float, default=120.0, help="per-request timeout in seconds")
    parser.add_argument("--startup-timeout", type=float, default=300.0, help="seconds to wait for the server")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.add_argument("--verbose", action="store_true", help="show the server's output")
    args = parser.parse_args(argv)
    summary = asyncio.run(run(args)).summary()
    missed = missed_targets(summary) if args.conversations == 32 and args.rate >= 100 else None
    if missed is not None:
        summary["targets"] = "met" if not missed else "missed: " + "; ".join(missed)
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        for key, value in summary.items():
            print(f"{key:>32}: {value}")
    return 0 if not summary["errors"] and not missed else 1


# Issue #6, at 32 concurrent conversations offering at least 100 turns/s.
TARGETS = {"latency_p50_ms": 40.0, "latency_p95_ms": 120.0, "server_peak_rss_mb": 1024.0}
MIN_TURNS_PER_S = 100.0


def missed_targets(summary: dict[str, Any]) -> list[str]:
    missed = [
        f"{name} {summary[name]} > {limit:g}"
        for name, limit in TARGETS.items()
        if summary.get(name) is None or summary[name] > limit
    ]
    # Achieved, not offered, and while all the conversations were in flight (see Results.turns_per_s_all_in_flight).
    if summary["turns_per_s"] < MIN_TURNS_PER_S:
        missed.append(f"turns_per_s {summary['turns_per_s']} < {MIN_TURNS_PER_S:g}")
    return missed


if __name__ == "__main__":
    raise SystemExit(main())
