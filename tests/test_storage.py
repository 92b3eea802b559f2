"""Evidence storage: the local folder and a real S3 server speaking HTTP on loopback (moto's
server mode), through the same interface, and the daily-work API on S3 end to end."""

from __future__ import annotations

import io
from collections.abc import Iterator
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
