"""The storage tests run against both backends: a local directory and a bucket on
moto's S3 server."""
from __future__ import annotations

import pytest

from app.utils.storage import LocalStorage
from app.utils.storage_s3 import S3Storage
from tests.s3server import REGION, s3_bucket, s3_server  # noqa: F401 (fixtures)


@pytest.fixture(params=["local", "s3"])
def backend(request, tmp_path):
    if request.param == "local":
        return LocalStorage(tmp_path / "files")
    endpoint, bucket = request.getfixturevalue("s3_bucket")
    return S3Storage(bucket, "kurultai", endpoint_url=endpoint, region=REGION)
