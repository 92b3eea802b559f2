"""Evidence in an S3-compatible object store (MinIO, AWS S3, …) through boto3."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from kinerja.storage import StorageError, Stored, check_key


class S3Storage:
    def __init__(
        self,
        bucket: str,
        endpoint_url: str | None = None,
        region: str | None = None,
        access_key: str | None = None,
        secret_key: str | None = None,
    ) -> None:
        self.bucket = bucket
        # Bounded waits: a slow store makes one request fail, not every worker hang.
        config = Config(
            connect_timeout=5, read_timeout=60, retries={"max_attempts": 3, "mode": "standard"}
        )
        self.client: Any = boto3.client(
            "s3",
            endpoint_url=endpoint_url,
            region_name=region,
            aws_access_key_id=access_key,
            aws_secret_access_key=secret_key,
            config=config,
        )

    def put(self, key: str, data: bytes, content_type: str) -> None:
        try:
            self.client.put_object(
                Bucket=self.bucket, Key=check_key(key), Body=data, ContentType=content_type
            )
        except (BotoCoreError, ClientError) as error:
            raise StorageError(str(error)) from error

    def get(self, key: str) -> bytes:
        try:
            found = self.client.get_object(Bucket=self.bucket, Key=check_key(key))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                raise KeyError(key) from None
            raise StorageError(str(error)) from error
        except BotoCoreError as error:
            raise StorageError(str(error)) from error
        body: bytes = found["Body"].read()
        return body

    def delete(self, key: str) -> None:
        try:
            self.client.delete_object(Bucket=self.bucket, Key=check_key(key))
        except (BotoCoreError, ClientError) as error:
            raise StorageError(str(error)) from error

    def signed_url(self, key: str, seconds: int) -> str | None:
        url: str = self.client.generate_presigned_url(
            "get_object", Params={"Bucket": self.bucket, "Key": check_key(key)}, ExpiresIn=seconds
        )
        return url

    def listing(self, prefix: str, after: str, limit: int) -> list[Stored]:
        try:
            page = self.client.list_objects_v2(
                Bucket=self.bucket, Prefix=prefix, StartAfter=after, MaxKeys=limit
            )
        except (BotoCoreError, ClientError) as error:
            raise StorageError(str(error)) from error
        return [Stored(o["Key"], o["LastModified"]) for o in page.get("Contents", [])]
