"""Evidence storage: the local folder and a real S3 server speaking HTTP on loopback (moto's
server mode), through the same interface, and the daily-work API on S3 end to end."""

from __future__ import annotations

import io
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests
from moto.server import ThreadedMotoServer

from kinerja import clock
from kinerja.storage import check_key, tenant_key
from kinerja.storage.local import LocalStorage
from kinerja.storage.s3 import S3Storage
from tests.idp_support import free_port

BUCKET = "kinerja-bukti"
CREDENTIALS = {"access_key": "test", "secret_key": "test-secret", "region": "ap-southeast-3"}


@pytest.fixture(scope="module")
def s3_url() -> Iterator[str]:
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    url = f"http://127.0.0.1:{port}"
    boto3.client(
        "s3",
        endpoint_url=url,
        region_name=CREDENTIALS["region"],
        aws_access_key_id=CREDENTIALS["access_key"],
        aws_secret_access_key=CREDENTIALS["secret_key"],
    ).create_bucket(
        Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": CREDENTIALS["region"]}
    )
    yield url
    server.stop()


@pytest.mark.parametrize(
    "key", ["t1/../t2/x", "../etc/passwd", "t1//x", "x/t1", "t1/a b", "t1/" + "a" * 401, "t/x"]
)
def test_keys_always_start_with_a_tenant_and_never_climb(key: str) -> None:
    with pytest.raises(ValueError):
        check_key(key)
    assert tenant_key(7, "entries", "1", "a.png") == "t7/entries/1/a.png"


def test_the_local_folder_keeps_writes_whole(tmp_path) -> None:
    store = LocalStorage(tmp_path)
    store.put("t1/a/b.png", b"isi", "image/png")
    assert store.get("t1/a/b.png") == b"isi"
    assert [p.name for p in (tmp_path / "t1" / "a").iterdir()] == ["b.png"]  # no leftovers
    assert store.signed_url("t1/a/b.png", 60) is None  # served by the application
    store.delete("t1/a/b.png")
    store.delete("t1/a/b.png")  # twice is fine
    with pytest.raises(KeyError):
        store.get("t1/a/b.png")


def test_s3_through_a_real_http_server(s3_url: str) -> None:
    store = S3Storage(BUCKET, endpoint_url=s3_url, **CREDENTIALS)
    store.put("t3/entries/9/x.pdf", b"%PDF-1.4", "application/pdf")
    assert store.get("t3/entries/9/x.pdf") == b"%PDF-1.4"
    signed = store.signed_url("t3/entries/9/x.pdf", 60)
    assert (
        signed and "Signature" in signed and requests.get(signed, timeout=5).content == b"%PDF-1.4"
    )
    assert requests.get(f"{s3_url}/{BUCKET}/t3/entries/9/x.pdf", timeout=5).status_code == 403
    store.delete("t3/entries/9/x.pdf")
    with pytest.raises(KeyError):
        store.get("t3/entries/9/x.pdf")


def test_daily_work_on_s3_end_to_end(database, redis_url, app, people, tenants, s3_url) -> None:
    from PIL import Image

    from kinerja.app import create_app
    from tests.support import app_config, plan_head_and_boss, plan_staff
    from tests.test_log_api import entry
    from tests.test_skp_api import token

    s3 = create_app(
        app_config(
            database,
            redis_url,
            STORAGE="s3",
            S3_BUCKET=BUCKET,
            S3_ENDPOINT_URL=s3_url,
            S3_REGION=CREDENTIALS["region"],
            S3_ACCESS_KEY_ID=CREDENTIALS["access_key"],
            S3_SECRET_ACCESS_KEY=CREDENTIALS["secret_key"],
        )
    )
    with s3.app_context():
        year = clock.this_year()
        rhk, iki = plan_staff(tenants, people, year, plan_head_and_boss(tenants, people, year))
        client = s3.test_client()
        staff = token(tenants.a, people.users["staff"])
        photo = io.BytesIO()
        Image.new("RGB", (50, 40), "green").save(photo, "PNG")
        form: dict[str, Any] = {
            k: v for k, v in entry({"rhk": rhk, "iki": iki}).items() if v is not None
        }
        form["evidence"] = [(io.BytesIO(photo.getvalue()), "bukti.png")]
        created = client.post(
            "/api/v1/tenants/dinkes/entries",
            data=form,
            headers=staff,
            content_type="multipart/form-data",
        )
        assert created.status_code == 201, created.get_json()
        url = created.get_json()["files"][0]["url"]
        answer = client.get(url, headers=staff)
        assert answer.status_code == 302  # a short-lived signed URL, after the check
        fetched = requests.get(answer.headers["Location"], timeout=5).content
        assert Image.open(io.BytesIO(fetched)).size == (50, 40)
        keys = [
            o["Key"]
            for o in boto3.client(
                "s3",
                endpoint_url=s3_url,
                region_name=CREDENTIALS["region"],
                aws_access_key_id=CREDENTIALS["access_key"],
                aws_secret_access_key=CREDENTIALS["secret_key"],
            ).list_objects_v2(Bucket=BUCKET, Prefix=f"t{tenants.a}/")["Contents"]
        ]
        assert len(keys) == 2 and all(k.startswith(f"t{tenants.a}/entries/") for k in keys)
        outsider = token(tenants.b, people.users["outsider"], "admin_opd")
        assert client.get(url, headers=outsider).status_code == 404


# --- orphans: files written before a commit that failed ------------------------------------------
def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (30, 20), "blue").save(out, "PNG")
    return out.getvalue()


def _orphan_then_entry(app: Any, client: Any, people: Any, tenants: Any) -> tuple[list[str], str]:
    """A write whose commit fails (its files stay behind) and an entry stored with its file."""

    from kinerja.db import db
    from kinerja.performance.log import service as log_service
    from tests.support import plan_head_and_boss, plan_staff
    from tests.test_log_api import entry
    from tests.test_skp_api import token

    uploads = [log_service.Upload("bukti.png", _png())]
    with pytest.raises(RuntimeError), db.unit_of_work(tenants.a) as session:
        checked = log_service.check_uploads(uploads, 5, 10**7)
        written = log_service.write(tenants.a, ("entries", "999999"), checked, False)
        session.flush()
        raise RuntimeError("the commit fails after the files were written")
    orphans = [key for w in written for key in w.stored_keys()]
    year = clock.this_year()
    rhk, iki = plan_staff(tenants, people, year, plan_head_and_boss(tenants, people, year))
    form: dict[str, Any] = {
        k: v for k, v in entry({"rhk": rhk, "iki": iki}).items() if v is not None
    }
    form["evidence"] = [(io.BytesIO(_png()), "bukti.png")]
    created = client.post(
        "/api/v1/tenants/dinkes/entries",
        data=form,
        headers=token(tenants.a, people.users["staff"]),
        content_type="multipart/form-data",
    )
    assert created.status_code == 201, created.get_json()
    return orphans, created.get_json()["files"][0]["url"]


def _age(root: Path, keys: Any, hours: int) -> None:
    then = time.time() - hours * 3600
    for key in keys:
        os.utime(root / key, (then, then))


def test_the_workers_round_sweeps_orphans_past_the_grace_period(app, client, people, tenants):
    from kinerja import maintenance
    from kinerja.db import db

    root = Path(app.config["STORAGE_DIR"])
    orphans, url = _orphan_then_entry(app, client, people, tenants)
    assert orphans and all((root / k).exists() for k in orphans)
    stored = {p.relative_to(root).as_posix() for p in root.glob(f"t{tenants.a}/entries/**/*")}
    kept = sorted(k for k in stored if k not in orphans and (root / k).is_file())
    assert len(kept) == 2  # the stored entry's file and its thumbnail
    foreign = f"t{tenants.a}/elsewhere/x.bin"  # a folder the sweep does not know: left alone
    (root / foreign).parent.mkdir(parents=True)
    (root / foreign).write_bytes(b"x")
    with db.unit_of_work(tenants.a) as session:  # in flight (young): nothing goes
        assert maintenance.sweep_orphans(app, session, tenants.a) == 0
    assert all((root / k).exists() for k in orphans)
    _age(root, [*orphans, *kept, foreign], 48)
    app.config["ORPHAN_SWEEP_BATCH"] = 2  # bounded: the sweep goes on where it stopped
    try:
        deleted = 0
        for _ in range(4):
            with db.unit_of_work(tenants.a) as session:
                deleted += maintenance.sweep_orphans(app, session, tenants.a)
    finally:
        app.config["ORPHAN_SWEEP_BATCH"] = 500
    assert deleted == len(orphans)
    assert not any((root / k).exists() for k in orphans)
    assert all((root / k).exists() for k in [*kept, foreign])
    assert client.get(url, headers=_staff(tenants, people)).status_code == 200
    assert maintenance.run_once(app)["orphans_deleted"] == 0  # the whole round runs it


def _staff(tenants: Any, people: Any) -> dict[str, str]:
    from tests.test_skp_api import token

    return token(tenants.a, people.users["staff"])


def test_the_sweep_lists_s3_in_pages_after_a_cursor(s3_url: str) -> None:
    from datetime import UTC, datetime, timedelta

    from kinerja.storage import sweep

    store = S3Storage(BUCKET, endpoint_url=s3_url, **CREDENTIALS)
    keys = [f"t42/entries/{n}/f.png" for n in (1, 2, 10)] + ["t42/other/k.bin"]
    for key in keys:
        store.put(key, b"x", "image/png")
    later = datetime.now(UTC) + timedelta(days=3)  # everything is old by then
    kept = {"t42/entries/2/f.png"}
    cursor, deleted, rounds = "", 0, 0
    while True:
        gone, cursor = sweep.sweep(
            store,
            42,
            lambda found: kept & set(found),
            after=cursor,
            now=later,
            grace=timedelta(hours=24),
            limit=2,
        )
        deleted, rounds = deleted + gone, rounds + 1
        if not cursor:
            break
    assert (deleted, rounds) == (2, 3)  # two full pages, then the end: from the top again
    left = {s.key for s in store.listing("t42/", "", 100)}
    assert left == {"t42/entries/2/f.png", "t42/other/k.bin"}
