"""Tenant isolation, twice: the ORM filter and PostgreSQL row-level security, each on its own."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from kinerja.db import CROSS_TENANT, TenantScopeError, bind_tenant, db
from kinerja.organisation.models import OrgUnit


def codes(rows) -> set[str]:
    return {row.code for row in rows}


# --- the ORM half --------------------------------------------------------------------------------
def test_orm_query_in_tenant_a_returns_only_a_rows(tenants) -> None:
    with db.unit_of_work(tenants.a) as session:
        assert codes(session.scalars(select(OrgUnit))) == {"A-TOP", "A-SUB"}
    with db.unit_of_work(tenants.b) as session:
        assert codes(session.scalars(select(OrgUnit))) == {"B-TOP", "B-SUB1", "B-SUB2"}


def test_orm_filter_applies_even_when_asking_for_another_tenant_explicitly(tenants) -> None:
    with db.unit_of_work(tenants.a) as session:
        rows = session.scalars(select(OrgUnit).where(OrgUnit.tenant_id == tenants.b)).all()
        assert rows == []


def test_orm_filter_works_without_rls(tenants, owner_engine: Engine) -> None:
    """The owner here is a superuser, which RLS does not bind: only the ORM filter protects."""
    from sqlalchemy.orm import Session

    with Session(owner_engine) as session:
        bind_tenant(session, tenants.a)
        assert codes(session.scalars(select(OrgUnit))) == {"A-TOP", "A-SUB"}
        # The explicit opt-out really is the only way past it.
        everything = session.scalars(
            select(OrgUnit).execution_options(**{CROSS_TENANT: True})
        ).all()
        assert len(everything) == 6


def test_orm_bulk_update_touches_only_the_bound_tenant(tenants, owner_engine: Engine) -> None:
    from sqlalchemy.orm import Session

    with Session(owner_engine) as session:
        bind_tenant(session, tenants.a)
        session.execute(update(OrgUnit).values(name="renamed"))
        session.commit()
    with owner_engine.connect() as conn:
        renamed = conn.execute(text("SELECT tenant_id FROM org_unit WHERE name = 'renamed'"))
        assert {r.tenant_id for r in renamed} == {tenants.a}


def test_session_without_tenant_sees_no_rows(tenants) -> None:
    with db.unit_of_work() as session:
        assert session.scalars(select(OrgUnit)).all() == []


def test_session_without_tenant_cannot_write(tenants) -> None:
    with pytest.raises(TenantScopeError), db.unit_of_work() as session:
        session.add(OrgUnit(code="X", name="x"))


def test_orm_write_into_another_tenant_is_refused(tenants) -> None:
    with pytest.raises(TenantScopeError), db.unit_of_work(tenants.a) as session:
        session.add(OrgUnit(tenant_id=tenants.b, code="X", name="x"))


def test_new_rows_take_the_session_tenant(tenants, owner_engine: Engine) -> None:
    with db.unit_of_work(tenants.a) as session:
        session.add(OrgUnit(code="NEW", name="new"))
    with owner_engine.connect() as conn:
        owner = conn.execute(text("SELECT tenant_id FROM org_unit WHERE code = 'NEW'")).scalar()
    assert owner == tenants.a


def test_a_session_cannot_switch_tenant(tenants) -> None:
    session = db.new_session(tenants.a)
    try:
        with pytest.raises(TenantScopeError):
            bind_tenant(session, tenants.b)
    finally:
        session.close()


# --- the database half: raw SQL as the application role ------------------------------------------
SET = text("SELECT set_config('kinerja.tenant_id', :t, true)")


def test_raw_sql_as_app_role_returns_only_the_tenant_rows(tenants, app_engine: Engine) -> None:
    with app_engine.begin() as conn:
        conn.execute(SET, {"t": str(tenants.a)})
        rows = conn.execute(text("SELECT code FROM org_unit")).all()
    assert codes(rows) == {"A-TOP", "A-SUB"}


def test_raw_sql_with_no_tenant_returns_nothing(tenants, app_engine: Engine) -> None:
    with app_engine.begin() as conn:
        assert conn.execute(text("SELECT count(*) FROM org_unit")).scalar() == 0


def test_tenant_setting_does_not_outlive_its_transaction(tenants, app_engine: Engine) -> None:
    with app_engine.connect() as conn:
        with conn.begin():
            conn.execute(SET, {"t": str(tenants.a)})
            assert conn.execute(text("SELECT count(*) FROM org_unit")).scalar() == 2
        with conn.begin():  # same connection, next transaction: nothing set, nothing seen
            assert conn.execute(text("SELECT count(*) FROM org_unit")).scalar() == 0


def test_insert_with_another_tenant_id_is_refused_by_the_database(
    tenants, app_engine: Engine
) -> None:
    with pytest.raises(DBAPIError, match="row-level security"), app_engine.begin() as conn:
        conn.execute(SET, {"t": str(tenants.a)})
        conn.execute(
            text("INSERT INTO org_unit (tenant_id, code, name) VALUES (:b, 'EVIL', 'evil')"),
            {"b": tenants.b},
        )


def test_insert_without_tenant_is_refused_by_the_database(tenants, app_engine: Engine) -> None:
    with pytest.raises(DBAPIError, match="row-level security"), app_engine.begin() as conn:
        conn.execute(
            text("INSERT INTO org_unit (tenant_id, code, name) VALUES (:a, 'X', 'x')"),
            {"a": tenants.a},
        )


def test_update_moving_a_row_to_another_tenant_is_refused(tenants, app_engine: Engine) -> None:
    with pytest.raises(DBAPIError, match="row-level security"), app_engine.begin() as conn:
        conn.execute(SET, {"t": str(tenants.a)})
        conn.execute(text("UPDATE org_unit SET tenant_id = :b"), {"b": tenants.b})


def test_update_and_delete_of_another_tenant_rows_change_nothing(
    tenants, app_engine: Engine, owner_engine: Engine
) -> None:
    with app_engine.begin() as conn:
        conn.execute(SET, {"t": str(tenants.a)})
        updated = conn.execute(
            text("UPDATE org_unit SET name = 'x' WHERE tenant_id = :b"), {"b": tenants.b}
        ).rowcount
        deleted = conn.execute(
            text("DELETE FROM org_unit WHERE tenant_id = :b"), {"b": tenants.b}
        ).rowcount
    assert (updated, deleted) == (0, 0)
    with owner_engine.connect() as conn:
        count = conn.execute(
            text("SELECT count(*) FROM org_unit WHERE tenant_id = :b"), {"b": tenants.b}
        ).scalar()
    assert count == 3


def test_composite_foreign_key_refuses_a_cross_tenant_parent(tenants, owner_engine: Engine) -> None:
    """Even a superuser (no RLS) cannot point a row of A at a parent of B."""
    with owner_engine.connect() as conn:
        b_unit = conn.execute(
            text("SELECT id FROM org_unit WHERE tenant_id = :b LIMIT 1"), {"b": tenants.b}
        ).scalar()
    with pytest.raises(IntegrityError, match="fk_org_unit_parent"), owner_engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO org_unit (tenant_id, parent_id, code, name) "
                "VALUES (:a, :parent, 'ORPHAN', 'x')"
            ),
            {"a": tenants.a, "parent": b_unit},
        )
