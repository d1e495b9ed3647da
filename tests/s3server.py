"""An S3 server for the tests: moto's, in a thread of the test process on a free port,
started once per process; each test gets a bucket of its own.

Import the fixtures into a conftest.py: `from tests.s3server import s3_server, s3_bucket`.
"""
from __future__ import annotations

import secrets

import boto3
import pytest

REGION = "us-east-1"


@pytest.fixture(scope="session")
def s3_server():
    """The endpoint URL of a running moto server; fake credentials in the environment."""
    from moto.server import ThreadedMotoServer  # a test dependency, loaded only by tests that use it

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AWS_ACCESS_KEY_ID", "testing")
        patch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        patch.delenv("AWS_SESSION_TOKEN", raising=False)
        patch.delenv("AWS_PROFILE", raising=False)
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        host, port = server.get_host_and_port()
        try:
            yield f"http://{host}:{port}"
        finally:
            server.stop()


@pytest.fixture
def s3_bucket(s3_server):
    """(endpoint URL, name) of a new, empty bucket."""
    name = f"kurultai-{secrets.token_hex(6)}"
    boto3.client("s3", endpoint_url=s3_server, region_name=REGION).create_bucket(Bucket=name)
    return s3_server, name
