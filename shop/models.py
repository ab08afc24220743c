"""The shop's relational model: customers, catalog, orders and everything that happens to them.

Money is stored as Numeric(10, 2) and read as Decimal so that refunds and price differences add up to the cent.
Ids are strings because imported shops bring their own (taubench uses "#W2378156" orders and "mia_garcia_4516"
customers); the demo shop uses the same shape so tools never care where the data came from.
"""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, Enum, ForeignKey, Index, Integer, Numeric, String, Text, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

Money = Numeric(10, 2)


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON, Decimal: Money}  # noqa: RUF012 (read by SQLAlchemy)


class OrderStatus(enum.StrEnum):
    pending = "pending"
    processed = "processed"
    shipped = "shipped"
    delivered = "delivered"
    cancelled = "cancelled"
    # Terminal states a write tool moves an order into; kept on the order so a status look-up tells the truth.
    pending_items_modified = "pending (items modified)"
    return_requested = "return requested"
    exchange_requested = "exchange requested"


class PaymentMethodKind(enum.StrEnum):
    credit_card = "credit_card"
    paypal = "paypal"
    gift_card = "gift_card"


class TransactionKind(enum.StrEnum):
    payment = "payment"
    refund = "refund"


class ReturnKind(enum.StrEnum):
    return_ = "return"
    exchange = "exchange"


class ReturnStatus(enum.StrEnum):
    requested = "requested"
    received = "received"
    refunded = "refunded"
    exchanged = "exchanged"
    rejected = "rejected"


class RefundStatus(enum.StrEnum):
    pending = "pending"
    completed = "completed"


class VoucherKind(enum.StrEnum):
    percent = "percent"
    amount = "amount"


def _enum(cls: type[enum.StrEnum]) -> Enum:
    # Store the human-readable values ("return requested"), not the Python member names.
    return Enum(cls, values_callable=lambda members: [m.value for m in members], native_enum=False, length=32)


class Customer(Base):
    __tablename__ = "customers"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    first_name: Mapped[str] = mapped_column(String(80))
    last_name: Mapped[str] = mapped_column(String(80))
    email: Mapped[str] = mapped_column(String(200), unique=True, index=True)
    phone: Mapped[str | None] = mapped_column(String(40))
    tier: Mapped[str] = mapped_column(String(20), default="standard")
    language: Mapped[str] = mapped_column(String(8), default="en")
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    # Listing order in the source shop: an import keeps the file's order here so that an export reproduces it.
    position: Mapped[int | None] = mapped_column(Integer)

    addresses: Mapped[list[Address]] = relationship(back_populates="customer", cascade="all, delete-orphan")
    payment_methods: Mapped[list[PaymentMethod]] = relationship(back_populates="customer", cascade="all, delete-orphan")
    orders: Mapped[list[Order]] = relationship(back_populates="customer", order_by="Order.created_at.desc()")

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def default_address(self) -> Address | None:
        return next((a for a in self.addresses if a.is_default), self.addresses[0] if self.addresses else None)


class Address(Base):
    __tablename__ = "addresses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), index=True)
    line1: Mapped[str] = mapped_column(String(200))
    line2: Mapped[str] = mapped_column(String(200), default="")
    city: Mapped[str] = mapped_column(String(100))
    state: Mapped[str] = mapped_column(String(100), default="")
    zip: Mapped[str] = mapped_column(String(20), index=True)
    country: Mapped[str] = mapped_column(String(60))
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)

    customer: Mapped[Customer] = relationship(back_populates="addresses")

    def as_dict(self) -> dict[str, str]:
        return {
            "address1": self.line1,
            "address2": self.line2,
            "city": self.city,
            "state": self.state,
            "zip": self.zip,
            "country": self.country,
        }


class PaymentMethod(Base):
    __tablename__ = "payment_methods"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), index=True)
    kind: Mapped[PaymentMethodKind] = mapped_column(_enum(PaymentMethodKind))
    brand: Mapped[str | None] = mapped_column(String(40))
    last_four: Mapped[str | None] = mapped_column(String(4))
    # Gift cards only: what is left to spend.
    balance: Mapped[Decimal | None] = mapped_column(Money)
    # Listing order in the source shop: an import keeps the file's order here so that an export reproduces it.
    position: Mapped[int | None] = mapped_column(Integer)

    customer: Mapped[Customer] = relationship(back_populates="payment_methods")

    @property
    def label(self) -> str:
        if self.kind is PaymentMethodKind.credit_card:
            return f"{self.brand or 'card'} ending {self.last_four}"
        if self.kind is PaymentMethodKind.gift_card:
            return f"gift card {self.id} (balance {self.balance})"
        return "PayPal"


class Product(Base):
    __tablename__ = "products"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(String(80), index=True)
    brand: Mapped[str] = mapped_column(String(80), default="")
    # Final-sale products cannot be returned; the returns tools read this flag.
    final_sale: Mapped[bool] = mapped_column(Boolean, default=False)
    tags: Mapped[list[Any]] = mapped_column(JSON, default=list)
    # Structured facts a product page prints ("material", "weight", "waterproof", "care"...), name -> value with its
    # unit: what product answers quote and compare. Any shop's catalog can fill it (metafields, a PIM export).
    attributes: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=dict)
    # Listing order in the source shop: an import keeps the file's order here so that an export reproduces it.
    position: Mapped[int | None] = mapped_column(Integer)

    variants: Mapped[list[Variant]] = relationship(back_populates="product", cascade="all, delete-orphan")


class Variant(Base):
    """A purchasable item: one combination of a product's options (taubench calls its id the item id)."""

    __tablename__ = "variants"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    product_id: Mapped[str] = mapped_column(ForeignKey("products.id"), index=True)
    sku: Mapped[str] = mapped_column(String(64), default="")
    options: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    price: Mapped[Decimal] = mapped_column(Money)
    stock: Mapped[int] = mapped_column(Integer, default=0)
    available: Mapped[bool] = mapped_column(Boolean, default=True)
    # Listing order in the source shop: an import keeps the file's order here so that an export reproduces it.
    position: Mapped[int | None] = mapped_column(Integer)

    product: Mapped[Product] = relationship(back_populates="variants")

    @property
    def in_stock(self) -> bool:
        return self.available and self.stock > 0


class Order(Base):
    __tablename__ = "orders"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), index=True)
    status: Mapped[OrderStatus] = mapped_column(_enum(OrderStatus), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime)
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    # The shipping address is copied onto the order: later changes to the customer's book must not move parcels.
    ship_name: Mapped[str] = mapped_column(String(160), default="")
    ship_line1: Mapped[str] = mapped_column(String(200))
    ship_line2: Mapped[str] = mapped_column(String(200), default="")
    ship_city: Mapped[str] = mapped_column(String(100))
    ship_state: Mapped[str] = mapped_column(String(100), default="")
    ship_zip: Mapped[str] = mapped_column(String(20))
    ship_country: Mapped[str] = mapped_column(String(60))
    cancel_reason: Mapped[str | None] = mapped_column(String(120))
    # Listing order in the source shop: an import keeps the file's order here so that an export reproduces it.
    position: Mapped[int | None] = mapped_column(Integer)
    # Keys an imported shop's own order layout carries that no column holds (taubench's exchange_price_difference,
    # return_items...): kept verbatim so an export of the final state matches the source tool's writes.
    extra: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    customer: Mapped[Customer] = relationship(back_populates="orders")
    items: Mapped[list[OrderItem]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="OrderItem.position"
    )
    fulfillments: Mapped[list[Fulfillment]] = relationship(back_populates="order", cascade="all, delete-orphan")
    transactions: Mapped[list[Transaction]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="Transaction.position"
    )
    returns: Mapped[list[Return]] = relationship(back_populates="order", cascade="all, delete-orphan")

    @property
    def total(self) -> Decimal:
        return sum((item.price for item in self.items), Decimal("0.00"))

    def shipping_address(self) -> dict[str, str]:
        return {
            "address1": self.ship_line1,
            "address2": self.ship_line2,
            "city": self.ship_city,
            "state": self.ship_state,
            "zip": self.ship_zip,
            "country": self.ship_country,
        }


class OrderItem(Base):
    """One unit of a variant on an order (quantities are expanded to one row each, as returns work per unit)."""

    __tablename__ = "order_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    product_id: Mapped[str] = mapped_column(ForeignKey("products.id"))
    variant_id: Mapped[str] = mapped_column(ForeignKey("variants.id"))
    name: Mapped[str] = mapped_column(String(200))
    options: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    price: Mapped[Decimal] = mapped_column(Money)

    order: Mapped[Order] = relationship(back_populates="items")


class Fulfillment(Base):
    __tablename__ = "fulfillments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id"), index=True)
    carrier: Mapped[str] = mapped_column(String(60))
    tracking_number: Mapped[str] = mapped_column(String(80), index=True)
    variant_ids: Mapped[list[Any]] = mapped_column(JSON, default=list)
    shipped_at: Mapped[datetime | None] = mapped_column(DateTime)
    estimated_delivery: Mapped[datetime | None] = mapped_column(DateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime)

    order: Mapped[Order] = relationship(back_populates="fulfillments")


class Transaction(Base):
    """The order's payment history: the original payment and every refund, in order."""

    __tablename__ = "transactions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[TransactionKind] = mapped_column(_enum(TransactionKind))
    amount: Mapped[Decimal] = mapped_column(Money)
    payment_method_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime | None] = mapped_column(DateTime)

    order: Mapped[Order] = relationship(back_populates="transactions")


class Return(Base):
    """A return or exchange request for delivered items."""

    __tablename__ = "returns"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id"), index=True)
    kind: Mapped[ReturnKind] = mapped_column(_enum(ReturnKind))
    status: Mapped[ReturnStatus] = mapped_column(_enum(ReturnStatus), default=ReturnStatus.requested)
    variant_ids: Mapped[list[Any]] = mapped_column(JSON, default=list)
    # Exchanges only: the variants the customer gets instead, in the same order as variant_ids.
    new_variant_ids: Mapped[list[Any]] = mapped_column(JSON, default=list)
    payment_method_id: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())

    order: Mapped[Order] = relationship(back_populates="returns")
    refunds: Mapped[list[Refund]] = relationship(back_populates="return_")


class Refund(Base):
    __tablename__ = "refunds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id"), index=True)
    return_id: Mapped[int | None] = mapped_column(ForeignKey("returns.id"))
    amount: Mapped[Decimal] = mapped_column(Money)
    payment_method_id: Mapped[str] = mapped_column(String(64))
    status: Mapped[RefundStatus] = mapped_column(_enum(RefundStatus), default=RefundStatus.pending)
    reason: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    expected_by: Mapped[datetime | None] = mapped_column(DateTime)

    return_: Mapped[Return | None] = relationship(back_populates="refunds")


class Voucher(Base):
    __tablename__ = "vouchers"
    # At most one voucher or goodwill credit per order, held by the database itself: two workers (or machines)
    # granting one for the same order at the same moment cannot both commit. Campaign codes name no order.
    __table_args__ = (Index("ux_vouchers_order_id", "order_id", unique=True),)

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    customer_id: Mapped[str | None] = mapped_column(ForeignKey("customers.id"), index=True)
    # The order a compensation was given for.
    order_id: Mapped[str | None] = mapped_column(String(64))
    kind: Mapped[VoucherKind] = mapped_column(_enum(VoucherKind))
    value: Mapped[Decimal] = mapped_column(Money)
    min_order_total: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    expires_at: Mapped[datetime | None] = mapped_column(DateTime)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    single_use: Mapped[bool] = mapped_column(Boolean, default=True)
    used_at: Mapped[datetime | None] = mapped_column(DateTime)
    reason: Mapped[str] = mapped_column(String(200), default="")
    issued_by: Mapped[str] = mapped_column(String(80), default="shop")
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())


class AuditEntry(Base):
    """Every write to the shop, by whom and why. The idempotency key makes a replayed write a no-op."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_entity", "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now(), index=True)
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(80), index=True)
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(64))
    conversation_id: Mapped[str | None] = mapped_column(String(80), index=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    approved_by: Mapped[str | None] = mapped_column(String(120))
    # A person who changed the details of the request (amount, items, address) before approving it.
    edited_by: Mapped[str | None] = mapped_column(String(120))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    result: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
