"""Production (docker-compose.yml) runs the Neo4j version the tests run (neo4j-server/pom.xml)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from tests.conftest import REPO


def test_compose_runs_the_tested_neo4j() -> None:
    pom = ET.parse(REPO / "neo4j-server" / "pom.xml").getroot()
    tested = pom.findtext(
        "{http://maven.apache.org/POM/4.0.0}properties/"
        "{http://maven.apache.org/POM/4.0.0}neo4j.version"
    )
    assert tested and re.fullmatch(r"5\.26\.\d+", tested)
    compose = (REPO / "docker-compose.yml").read_text(encoding="utf-8")
    images = re.findall(r"image:\s*neo4j:(\S+)", compose)
    assert images == [f"{tested}-community"]
