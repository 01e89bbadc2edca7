"""``innonet report``: the page opens in a real Chromium offline with no console error, states
the figures of ``trends`` and ``changes``, and prints to a PDF whose Chinese text is there
(page 1 turned into a PNG under ``test-artifacts/report/`` for a person to look at)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from graphsvc.stores.embedded import EmbeddedStore
from loaders.refresh import refresh_bundle
from queries.changes import changes, trends
from report.build import FIGURES
from tests.conftest import REPO, SAMPLE_BUNDLE

ARTIFACTS = REPO / "test-artifacts" / "report"
CHROMIUM = os.environ.get("INNONET_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedStore]:
    store = EmbeddedStore(tmp_path_factory.mktemp("sample") / "innonet.db")
    with refresh_bundle(store, SAMPLE_BUNDLE, "shanghai") as result:
        assert result.valid
    yield store
    store.close()


@pytest.fixture(scope="module")
def written(sample: EmbeddedStore, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The report of 2023 (Chinese) and its PDF, written by the command in its own process."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}")
    out = tmp_path_factory.mktemp("report") / "report.html"
    command = [sys.executable, "-m", "graphsvc.cli", "report", "--year", "2023", "--out"]
    done = subprocess.run(
        [*command, str(out), "--pdf", "--chromium", CHROMIUM, "--store", sample.uri],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return out


def test_the_report_states_the_figures_of_trends_and_changes(
    written: Path, sample: EmbeddedStore
) -> None:
    page = written.read_text(encoding="utf-8")
    stated = {
        m: (float(now), float(before))
        for m, now, before in re.findall(
            r'data-metric="(\w+)" data-value="([^"]+)" data-before="([^"]+)"', page
        )
    }
    assert list(stated) == list(FIGURES)
    for metric, (now, before) in stated.items():
        points = trends(sample, metric, 2022, 2023).points
        assert (now, before) == (points[1].value, points[0].value), metric
    delta = changes(sample, "2022", "2023", top=15)
    names = sample.nodes([h.node for h in delta.hubs])
    hub_rows = page.split("<h3>")[1]
    positions = [hub_rows.index(names[h.node].name) for h in delta.hubs]
    assert positions == sorted(positions)
    assert "2023年度科技成果转移转化网络报告" in page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)|url\((?!#)|<script|<link""", page)


def test_the_report_opens_offline_with_no_console_error(written: Path) -> None:
    playwright = pytest.importorskip("playwright.sync_api")
    errors: list[str] = []
    outside: list[str] = []
    with playwright.sync_playwright() as driver:
        browser = driver.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"], headless=True
        )
        try:
            page = browser.new_page()
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))

            def refuse(route: object) -> None:
                url = route.request.url  # type: ignore[attr-defined]
                if urlsplit(url).scheme in ("file", "data"):
                    route.continue_()  # type: ignore[attr-defined]
                else:
                    outside.append(url)
                    route.abort()  # type: ignore[attr-defined]

            page.route("**/*", refuse)
            page.goto(written.as_uri())
            charts = page.locator("figure svg").count()
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)
        finally:
            browser.close()
    assert errors == [] and outside == []
    assert charts == 8


def test_the_pdf_has_pages_and_its_chinese_renders(written: Path) -> None:
    pdf = written.with_suffix(".pdf")
    for tool in ("pdfinfo", "pdftoppm", "pdftotext"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is missing (apt-get install poppler-utils)")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    pages = int(re.search(r"Pages:\s+(\d+)", info.stdout)[1])  # type: ignore[index]
    assert pages >= 4
    text = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "年度主要指标" in text and "需求匹配率" in text
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "80",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(pdf),
            str(ARTIFACTS / "page-1"),
        ],
        check=True,
    )
    png = (ARTIFACTS / "page-1.png").read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 20_000
