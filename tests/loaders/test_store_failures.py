"""A full disk and a damaged store: named as such with the store's path, exit 1, no traceback,
and no half-made store left behind. The full disks are real (a small tmpfs, mounted when the
tests may mount; skipped otherwise)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from graphsvc.stores.embedded import EmbeddedStore
from loaders.synthetic import write_bundle
from tests.loaders.conftest import VALID_BUNDLE, run_innonet, stats, write_files

SmallDisk = Callable[[int], Path]


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[SmallDisk]:
    """``small_disk(kib)``: a tmpfs of that size (unmounted after the test)."""
    mounted: list[Path] = []

    def mount(kib: int) -> Path:
        point = tmp_path / f"disk-{len(mounted)}"
        point.mkdir()
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={kib}k", "tmpfs", str(point)],
            capture_output=True,
            check=False,
        )
        if done.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
        mounted.append(point)
        return point

    if os.geteuid() != 0:
        pytest.skip("mounting a small disk needs root")
    yield mount
    for point in mounted:
        subprocess.run(["umount", str(point)], check=False)


def test_a_new_store_on_a_full_disk_is_named_and_not_left_behind(
    small_disk: SmallDisk, tmp_path: Path
) -> None:
    disk = small_disk(8)
    store = disk / "innonet.db"
    bundle = write_files(tmp_path / "bundle", VALID_BUNDLE)
    run = run_innonet("load", bundle, "--store", store)
    assert run.returncode == 1, run.stderr
    assert f"store {store}: disk full" in run.stderr
    assert "Traceback" not in run.stderr
    assert list(disk.iterdir()) == []


def test_a_refresh_on_a_full_disk_is_named_and_writes_nothing(
    small_disk: SmallDisk, tmp_path: Path
) -> None:
    disk = small_disk(400)
    store = disk / "innonet.db"
    small = write_files(tmp_path / "small", VALID_BUNDLE)
    assert run_innonet("load", small, "--store", store, "--source", "small").returncode == 0
    before = stats(store)
    big = tmp_path / "big"
    write_bundle(big, nodes=3000, seed=3)
    run = run_innonet("load", big, "--store", store, "--source", "big")
    assert run.returncode == 1, run.stderr
    assert f"store {store}: disk full: the refresh of 'big' was rolled back" in run.stderr
    assert "cannot rollback" not in run.stderr and "Traceback" not in run.stderr
    assert stats(store) == before


def test_a_first_load_on_a_full_disk_is_named_and_leaves_the_store_empty(
    small_disk: SmallDisk, tmp_path: Path
) -> None:
    disk = small_disk(400)
    store = disk / "innonet.db"
    EmbeddedStore(store).close()
    before = stats(store)
    big = tmp_path / "big"
    write_bundle(big, nodes=3000, seed=3)
    run = run_innonet("load", big, "--store", store, "--source", "big")
    assert run.returncode == 1, run.stderr
    assert f"store {store}: disk full: the refresh of 'big' was rolled back" in run.stderr
    assert "Traceback" not in run.stderr
    assert stats(store) == before
    small = write_files(tmp_path / "small", VALID_BUNDLE)
    assert run_innonet("load", small, "--store", store, "--source", "small").returncode == 0
    assert stats(store)["nodes"] == 9


def test_a_damaged_store_is_named_without_a_traceback(tmp_path: Path) -> None:
    store = tmp_path / "innonet.db"
    bundle = tmp_path / "bundle"
    write_bundle(bundle, nodes=2000, seed=3)
    assert run_innonet("load", bundle, "--store", store).returncode == 0
    with store.open("r+b") as file:  # keep the header, overwrite pages of the tables
        file.seek(8192)
        file.write(os.urandom(256 * 1024))
    run = run_innonet("stats", "--store", store)
    assert run.returncode in (1, 2), run.stderr
    assert str(store) in run.stderr
    assert "Traceback" not in run.stderr


def test_a_full_temporary_folder_is_named_and_nothing_is_written(
    small_disk: SmallDisk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pass 1 keeps the rows it checked in the temporary folder; when that fills up the load
    says where, and writes nothing."""
    store = tmp_path / "innonet.db"
    small = write_files(tmp_path / "small", VALID_BUNDLE)
    assert run_innonet("load", small, "--store", store, "--source", "small").returncode == 0
    before = stats(store)
    big = tmp_path / "big"
    write_bundle(big, nodes=3000, seed=3)
    scratch = small_disk(200)
    monkeypatch.setenv("TMPDIR", str(scratch))
    run = run_innonet("load", big, "--store", store, "--source", "big")
    assert run.returncode == 2, run.stderr
    assert f"no room to keep the checked rows in the temporary folder {scratch}" in run.stderr
    assert "Traceback" not in run.stderr
    assert stats(store) == before
