"""Helpers for the loader tests: real bundle files on disk, real ``innonet`` processes."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

INNONET = [sys.executable, "-m", "graphsvc.cli"]
PROBLEM_LINE = re.compile(r"[a-z]+\.csv:[0-9]+: ")

VALID_BUNDLE = {
    "institutions.csv": (
        "id,name,kind,region,lat,lon,founded,tags\n"
        "sjtu,上海交通大学,university,闵行区,31.02,121.43,1896,985;211\n"
        "fudan,复旦大学,university,杨浦区,31.30,121.50,1905,\n"
        "ent-1,上海某电池公司,enterprise,浦东新区,,,2015,\n"
    ),
    "achievements.csv": (
        "id,title,field,year,trl,status,value_cny\n"
        "ach-1,固态电池电解质,新能源,2021,6,listed,1200000\n"
        "ach-2,肿瘤早筛芯片,生物医药,2022,4,available,\n"
    ),
    "brokers.csv": "id,name,kind,certified\nstte,上海技术交易所,exchange,true\n",
    "investors.csv": "id,name,kind,aum_cny\nfund-1,上海科创基金,guidance_fund,5000000000\n",
    "channels.csv": "id,name,country,city\nch-de,中德技术转移中心,DE,Berlin\n",
    "demands.csv": "id,title,field,status,posted\ndem-1,高镍正极量产,新能源,open,2024-03-01\n",
    "relations.csv": (
        "source,target,type,id,date,amount_cny,weight,mode\n"
        "sjtu,ach-1,DEVELOPED,,2021-05-01,,,\n"
        "fudan,ach-2,DEVELOPED,,,,2,\n"
        "ach-1,ent-1,TRANSFERRED_TO,,2023-01-10,3000000,,license\n"
        "stte,ach-1,BROKERED,,,,,\n"
        "stte,sjtu,SERVES,,,,,\n"
        "fund-1,ent-1,INVESTED_IN,,,10000000,,\n"
        "sjtu,ch-de,PARTNERS_WITH,,,,,\n"
        "sjtu,fudan,COLLABORATES_WITH,,,,,\n"
        "ent-1,dem-1,RAISED,,,,,\n"
        "ach-1,dem-1,SOLVES,,,,,\n"
    ),
}
"""A small bundle using every file and every relation type, valid throughout."""


@dataclass(frozen=True)
class Run:
    """A finished ``innonet`` process."""

    returncode: int
    stdout: str
    stderr: str

    @property
    def problems(self) -> list[str]:
        """The ``file:line: column: message`` lines on standard error."""
        return [line for line in self.stderr.splitlines() if PROBLEM_LINE.match(line)]


def write_files(directory: Path, files: Mapping[str, str | bytes]) -> Path:
    """Write ``files`` (name -> text or bytes) into ``directory`` (created), returned."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        data = content.encode("utf-8") if isinstance(content, str) else content
        (directory / name).write_bytes(data)
    return directory


def run_innonet(*args: str | Path, timeout: float = 300) -> Run:
    """Run ``innonet ARGS`` as a separate process and wait for it."""
    done = subprocess.run(
        [*INNONET, *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
        check=False,
    )
    return Run(done.returncode, done.stdout, done.stderr)


def stats(store: str | Path) -> dict[str, Any]:
    """``innonet stats --json`` of ``store``."""
    run = run_innonet("stats", "--json", "--store", store)
    assert run.returncode == 0, run.stderr
    result: dict[str, Any] = json.loads(run.stdout)
    return result


def graph_shape(store: str | Path) -> dict[str, Any]:
    """The counts of ``stats --json`` without load times and data version (stable on reload)."""
    shape = stats(store)
    shape.pop("data_version", None)
    for source in shape["sources"]:
        source.pop("loaded_at")
    return shape


Loader = Callable[..., Run]
BundleWriter = Callable[..., Path]


@pytest.fixture
def load(store_uri: str) -> Loader:
    """``load(bundle_dir, *options)`` runs ``innonet load`` into the test's store."""

    def run(bundle: Path, *options: str) -> Run:
        return run_innonet("load", bundle, "--store", store_uri, *options)

    return run


@pytest.fixture
def bundle(tmp_path: Path) -> BundleWriter:
    """``bundle(files, name="bundle")`` writes a bundle directory and returns its path."""

    def make(files: Mapping[str, str | bytes], name: str = "bundle") -> Path:
        return write_files(tmp_path / name, files)

    return make
