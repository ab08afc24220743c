"""Customers and orders of a test shop picked by what a test needs, and a graph over a private copy of a shop."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from graph.context import Context
from shop.db import session_factory
from shop.models import Customer, Order, OrderItem, OrderStatus, Product, Variant
from shopdesk.conversations import Conversations, Turn
from shopdesk.runtime import open_graph
from shopdesk.settings import Settings
from tests.support.app import CLOCK, copy_shop, use_app_settings
from tools.identity import reset_rate_limits
from tools.views import options_text


@dataclass(frozen=True)
class Person:
    id: str
    first: str
    last: str
    email: str
    zip: str
    orders: tuple[Order, ...]

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"


def people(db_url: str, fits: Callable[[Customer], bool] = lambda c: True) -> list[Person]:
    """Customers (by id) that ``fits`` accepts, with their default zip code and their orders (newest first)."""
    found = []
    with session_factory(db_url)() as session:
        customers = session.scalars(
            select(Customer)
            .options(selectinload(Customer.addresses), selectinload(Customer.orders).selectinload(Order.items))
            .order_by(Customer.id)
        ).all()
        for customer in customers:
            address = customer.default_address or (customer.addresses[0] if customer.addresses else None)
            if address is None or not fits(customer):
                continue
            orders = tuple(sorted(customer.orders, key=lambda o: o.created_at, reverse=True))
            found.append(
                Person(customer.id, customer.first_name, customer.last_name, customer.email, address.zip, orders)
            )
    if not found:
        raise AssertionError("no customer in the shop fits the test")
    return found


def item_names(order: Order) -> list[str]:
    """The order's product names, each once, in the order's own order."""
    return list(dict.fromkeys(i.name for i in order.items))


def _names_apart(order: Order) -> bool:
    """Four products or more, no word shared between two of their names, and one unit of each."""
    names = item_names(order)
    words = [w for name in names for w in name.lower().replace("-", " ").split()]
    return len(names) >= 4 and len(names) == len(order.items) and len(words) == len(set(words))


def returned_items(turn_text: str) -> list[str]:
    """The product names a return proposal lists ("- Return Wireless Earbuds (…)", German "- Rückgabe …")."""
    return re.findall(r"^- (?:Return|Rückgabe) (.+?) \(", turn_text, re.MULTILINE)


def four_item_order(db_url: str) -> tuple[Person, Order]:
    """A customer with a single delivered order of four different products or more (so the order is not asked), each
    told apart by its own words."""
    for person in people(db_url, lambda c: len(c.orders) == 1):
        order = person.orders[0]
        if order.status is OrderStatus.delivered and _names_apart(order):
            return person, order
    raise AssertionError("no customer of the shop fits the test")


def status_of(db_url: str, order_id: str) -> OrderStatus:
    """The order's status in the shop now."""
    with session_factory(db_url)() as session:
        return session.scalars(select(Order.status).where(Order.id == order_id)).one()


def small_pending(customer: Customer, below: Decimal = Decimal("400")) -> Order | None:
    """A pending order below the amount, whose item names all differ from the customer's other orders' items."""
    for order in customer.orders:
        if order.status is OrderStatus.pending and order.total < below:
            return order
    return None


def unique_item_orders(person: Person) -> list[tuple[Order, str]]:
    """(order, item name) where the item's product name appears in no other order of the person."""
    found = []
    for order in person.orders:
        others = {i.name.lower() for o in person.orders if o.id != order.id for i in o.items}
        words_elsewhere = {w for name in others for w in name.split()}
        for item in order.items:
            if item.name.lower() not in others and not set(item.name.lower().split()) & words_elsewhere:
                found.append((order, item.name))
                break
    return found


@asynccontextmanager
async def conversation(settings: Settings) -> AsyncIterator[tuple[Conversations, Any]]:
    async with open_graph(settings) as graph:
        yield Conversations(graph), graph


@dataclass(frozen=True)
class Talk:
    """One thread of a conversation: every message is the same customer's, sent with the same context."""

    chat: Conversations
    graph: Any
    thread: str
    context: Context

    async def say(self, *texts: str) -> Turn:
        """The customer's messages in turn; the last turn."""
        return await say(self.chat, self.thread, *texts, context=self.context)

    async def values(self) -> dict[str, Any]:
        """The thread's graph state now."""
        return await self.chat.values(self.thread)

    async def tool_calls(self, name: str) -> list[dict[str, Any]]:
        return await tool_calls(self.graph, self.chat, self.thread, name)


@asynccontextmanager
async def talk(
    settings: Settings, thread: str, customer_id: str | None = None, shop_id: str | None = None
) -> AsyncIterator[Talk]:
    """A thread on a graph of its own, the customer signed in when an id is given (else they must verify), in the
    shop named (else the context's default shop)."""
    context = Context(customer_id=customer_id) if shop_id is None else Context(customer_id=customer_id, shop_id=shop_id)
    async with conversation(settings) as (chat, graph):
        yield Talk(chat, graph, thread, context)


async def verified_id(graph: Any, chat: Conversations, thread: str) -> str | None:
    values = (await graph.aget_state(chat.config(thread))).values
    return (values.get("customer") or {}).get("id")


async def tool_calls(graph: Any, chat: Conversations, thread: str, name: str) -> list[dict[str, Any]]:
    """Every call of a tool in the thread so far, with its arguments."""
    values = (await graph.aget_state(chat.config(thread))).values
    return [c for m in values.get("messages", []) for c in (getattr(m, "tool_calls", None) or []) if c["name"] == name]


def app_on(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, db_url: str) -> Settings:
    """The whole application on a private copy of a shop (tests may write), its clock frozen at CLOCK, and the
    identity look-up limits of earlier tests forgotten (threads of different tests may share a name)."""
    reset_rate_limits()
    return use_app_settings(monkeypatch, tmp_path, copy_shop(db_url, tmp_path), SHOPDESK_CLOCK=CLOCK.isoformat())


async def say(chat: Conversations, thread: str, *texts: str, context: Context | None = None) -> Turn:
    """The customer's messages in turn; the last turn."""
    turn = None
    for text in texts:
        turn = await chat.send(thread, text, context or Context())
    assert turn is not None
    return turn


def proposes_options(turn: Turn, *variants: Variant) -> None:
    """The turn proposes a change, items going to each of these variants (their options as the proposal says them)."""
    assert turn.status == "awaiting_confirmation", turn.text
    for variant in variants:
        assert f"-> {options_text(variant.options)}" in turn.text, turn.text


def two_resizable_items(db_url: str) -> tuple[Order, list[tuple[OrderItem, Variant]]]:
    """A pending order with two differently named items that each come in another size, all else equal."""
    with session_factory(db_url)() as session:
        candidates = session.scalars(select(Order).where(Order.status == OrderStatus.pending).order_by(Order.id)).all()
        for order in candidates:
            if order.total > 400 or len({i.product_id for i in order.items}) < 2:
                continue
            swaps = []
            for item in order.items[:2]:
                product = session.get(Product, item.product_id)
                assert product is not None
                other = next(
                    (
                        v
                        for v in product.variants
                        if v.available
                        and v.options.get("size")
                        and v.options.get("size") != item.options.get("size")
                        and all(v.options.get(k) == val for k, val in item.options.items() if k != "size")
                    ),
                    None,
                )
                if other is None:
                    break
                swaps.append((item, other))
            if len(swaps) == 2 and swaps[0][0].name != swaps[1][0].name:
                return order, swaps
    raise AssertionError("the demo shop has no pending order with two resizable items")
