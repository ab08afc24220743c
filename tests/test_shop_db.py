"""The shop database handle: one engine and pool per URL for the whole process."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, select, text
from sqlalchemy.exc import IntegrityError

from shop.db import engine_for, session_factory, session_scope
from shop.models import Base, Voucher, VoucherKind


def test_one_engine_per_url(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    # A new engine per call would mean a new pool per query, and connections a dispose() never reaches.
    assert engine_for(url) is engine_for(url)
    assert session_factory(url).kw["bind"] is engine_for(url)
    assert session_factory(url) is session_factory(url)
    assert engine_for(f"sqlite:///{tmp_path / 'other.db'}") is not engine_for(url)


def test_a_shop_from_an_older_version_gets_the_one_voucher_per_order_index(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    old = create_engine(url)
    Base.metadata.create_all(old)
    with old.begin() as connection:  # the vouchers table as it was before orders were named on it
        connection.execute(text("DROP INDEX ux_vouchers_order_id"))
        connection.execute(text("ALTER TABLE vouchers DROP COLUMN order_id"))
        connection.execute(
            text(
                "INSERT INTO vouchers (code, kind, value, min_order_total, active, single_use, "
                "reason, issued_by) VALUES ('OLD1', 'amount', 5, 0, 1, 1, 'late', 'bot')"
            )
        )
    old.dispose()

    with session_scope(url) as session:  # the first use brings the schema up to date
        session.add(Voucher(code="NEW1", kind=VoucherKind.amount, value=Decimal(5), order_id="#W1"))
    [index] = [i for i in inspect(engine_for(url)).get_indexes("vouchers") if i["name"] == "ux_vouchers_order_id"]
    assert index["unique"] and index["column_names"] == ["order_id"]
    with pytest.raises(IntegrityError), session_scope(url) as session:
        session.add(Voucher(code="NEW2", kind=VoucherKind.amount, value=Decimal(5), order_id="#W1"))
    with session_scope(url) as session:
        session.add(Voucher(code="NEW3", kind=VoucherKind.percent, value=Decimal(5)))  # campaign codes name none
        assert {v.code: v.order_id for v in session.scalars(select(Voucher))} == {
            "OLD1": None,
            "NEW1": "#W1",
            "NEW3": None,
        }
