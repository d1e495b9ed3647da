"""The storage (app/utils/storage.py): the same behaviour from a local directory and
from an S3 bucket, keys that cannot leave their place, and settings read right."""
from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from app.utils import storage
from app.utils.storage import BadKey, LocalStorage, StorageError, check_key, copy_tree, from_config
from app.utils.storage_s3 import S3Storage
from tests.s3server import REGION


def test_saved_bytes_read_back_with_their_size(backend):
    backend.save("photos/a1.jpg", b"\xff\xd8\xff first")
    backend.save("photos/a1.jpg", b"\xff\xd8\xff second")  # written over

    assert backend.read("photos/a1.jpg") == b"\xff\xd8\xff second"
    assert (backend.exists("photos/a1.jpg"), backend.size("photos/a1.jpg")) == (True, 10)
    with backend.open("photos/a1.jpg") as handle:
        assert handle.read(3) == b"\xff\xd8\xff"


def test_a_stream_is_saved_and_opened_as_a_stream(backend):
    data = os.urandom(700 * 1024)  # several chunks
    backend.save("speakers/slides/deck.pdf", io.BytesIO(data))

    with backend.open("speakers/slides/deck.pdf") as handle:
        parts = iter(lambda: handle.read(100 * 1024), b"")
        assert b"".join(parts) == data
    assert backend.size("speakers/slides/deck.pdf") == len(data)


def test_a_missing_file_is_absent_and_deleting_it_is_harmless(backend):
    assert (backend.exists("photos/none.jpg"), backend.size("photos/none.jpg"),
            backend.read("photos/none.jpg")) == (False, None, None)
    with pytest.raises(FileNotFoundError):
        backend.open("photos/none.jpg")
    backend.save("photos/gone.jpg", b"x")
    backend.delete("photos/gone.jpg")
    backend.delete("photos/gone.jpg")
    assert not backend.exists("photos/gone.jpg")


def test_a_listing_gives_the_files_under_a_prefix(backend):
    for key in ("photos/a.jpg", "photos/kept/b.jpg", "speakers/photos/c.jpg"):
        backend.save(key, b"12345")

    assert sorted((item.key, item.size) for item in backend.listing("photos/")) == [
        ("photos/a.jpg", 5), ("photos/kept/b.jpg", 5)]
    assert [item.key for item in backend.listing("photos/kept/")] == ["photos/kept/b.jpg"]
    assert len(list(backend.listing(""))) == 3


@pytest.mark.parametrize("key", ["../secret", "/etc/passwd", "photos/../../x", "photos//a.jpg", "photos\\a.jpg",
                                 "", ".hidden", "photos/", "a b.jpg", "photos/./a.jpg", "x" * 600])
def test_keys_that_could_leave_their_place_are_refused(backend, key):
    for use in (lambda: backend.save(key, b"x"), lambda: backend.open(key), lambda: backend.delete(key),
                lambda: backend.size(key)):
        with pytest.raises(BadKey):
            use()


def test_generated_keys_are_accepted():
    assert check_key("speakers/slides/0123456789abcdef0123456789abcdef.pdf")


def test_a_reachable_storage_passes_its_check(backend):
    backend.check()


def test_a_missing_bucket_fails_the_check(s3_bucket):
    endpoint, _bucket = s3_bucket
    with pytest.raises(StorageError):
        S3Storage("no-such-bucket", endpoint_url=endpoint, region=REGION).check()


def test_a_directory_that_cannot_be_made_fails_the_check(tmp_path):
    (tmp_path / "file").write_text("in the way")
    with pytest.raises(StorageError):
        LocalStorage(tmp_path / "file" / "uploads").check()


def test_a_bucket_that_does_not_answer_is_a_storage_error(s3_server):
    s3 = S3Storage("kurultai", endpoint_url="http://127.0.0.1:9", region=REGION)
    with pytest.raises(StorageError):
        s3.save("photos/a.jpg", b"x")


def test_the_local_backend_keeps_a_key_where_the_file_always_was(tmp_path):
    LocalStorage(tmp_path).save("speakers/photos/a.jpg", b"x")
    assert (tmp_path / "speakers" / "photos" / "a.jpg").read_bytes() == b"x"
    assert [p.name for p in (tmp_path / "speakers" / "photos").iterdir()] == ["a.jpg"]  # no temporary left


def test_the_settings_choose_the_backend(tmp_path):
    local = from_config({"UPLOAD_DIR": tmp_path, "STORAGE_URL": ""})
    assert isinstance(local, LocalStorage) and local.root == tmp_path
    assert from_config({"UPLOAD_DIR": tmp_path, "STORAGE_URL": "file:///srv/kurultai/files"}).root == Path(
        "/srv/kurultai/files")
    s3 = from_config({"UPLOAD_DIR": tmp_path, "STORAGE_URL": "s3://summit-files/prod/uploads/",
                      "S3_ENDPOINT_URL": "https://objects.example.kz", "S3_REGION": "kz-1"})
    assert (s3.bucket, s3.prefix, s3.endpoint_url, s3.region) == (
        "summit-files", "prod/uploads/", "https://objects.example.kz", "kz-1")
    for wrong in ("ftp://host/x", "s3:///prefix", "file://host/x", "s3://bucket/../x"):
        with pytest.raises(ValueError):
            from_config({"UPLOAD_DIR": tmp_path, "STORAGE_URL": wrong})


def test_copy_skips_what_is_already_there_with_the_same_size(backend, tmp_path):
    source_dir = tmp_path / "old-uploads"
    for relative, data in (("photos/a.jpg", b"aaaa"), ("speakers/slides/b.pdf", b"%PDF-1.4 b"),
                           ("photos/.1234.tmp", b"half"), ("speakers/tmp/c.part", b"partial")):
        (source_dir / relative).parent.mkdir(parents=True, exist_ok=True)
        (source_dir / relative).write_bytes(data)
    source = LocalStorage(source_dir)

    assert copy_tree(source, backend, skip_prefixes=("speakers/tmp/",)) == {"copied": 2, "skipped": 0}
    assert backend.read("speakers/slides/b.pdf") == b"%PDF-1.4 b"
    assert copy_tree(source, backend, skip_prefixes=("speakers/tmp/",)) == {"copied": 0, "skipped": 2}
    (source_dir / "photos" / "a.jpg").write_bytes(b"a longer photo")
    assert copy_tree(source, backend, skip_prefixes=("speakers/tmp/",)) == {"copied": 1, "skipped": 1}
    assert sorted(item.key for item in backend.listing("")) == ["photos/a.jpg", "speakers/slides/b.pdf"]


def test_the_app_has_the_storage_its_settings_name(app):
    assert isinstance(storage.current(), LocalStorage)
    assert storage.current().root == app.config["UPLOAD_DIR"]


def test_the_copy_command_fills_the_bucket_once(make_app, s3_bucket, tmp_path):
    endpoint, bucket = s3_bucket
    old = tmp_path / "old-uploads"
    (old / "photos").mkdir(parents=True)
    (old / "photos" / "0123456789abcdef0123456789abcdef.jpg").write_bytes(b"\xff\xd8\xff")
    (old / "speakers" / "slides").mkdir(parents=True)
    (old / "speakers" / "slides" / "0123456789abcdef0123456789abcdef.pdf").write_bytes(b"%PDF-1.4")
    machine = make_app(STORAGE_URL=f"s3://{bucket}/uploads", S3_ENDPOINT_URL=endpoint, S3_REGION=REGION)
    with machine.app_context():  # the command runs in the app context it finds
        first = machine.test_cli_runner().invoke(args=["storage-copy", "--from", str(old)])
        again = machine.test_cli_runner().invoke(args=["storage-copy", "--from", str(old)])

    assert first.exit_code == 0, first.output
    assert "copied 2, skipped 0" in first.output and "copied 0, skipped 2" in again.output
    assert S3Storage(bucket, "uploads", endpoint_url=endpoint, region=REGION).read(
        "photos/0123456789abcdef0123456789abcdef.jpg") == b"\xff\xd8\xff"
    missing = make_app(STORAGE_URL="s3://no-such-bucket", S3_ENDPOINT_URL=endpoint, S3_REGION=REGION)
    with missing.app_context():
        refused = missing.test_cli_runner().invoke(args=["storage-copy", "--from", str(old)])
    assert refused.exit_code == 1 and "cannot be reached" in refused.output
