"""Every kind of bad input of DATA_CONTRACT.md, one case each, through a real ``innonet load``.

Each case starts from a valid bundle, breaks one thing, and asserts the exact problem lines
(all of them: nothing else may be reported), exit code 1 and an untouched store.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from graphsvc.stores import open_store
from tests.loaders.conftest import VALID_BUNDLE, BundleWriter, Loader, write_files

RELATION_HEADER = "source,target,type,id,date,amount_cny,weight,mode\n"
RELATION_ROWS = VALID_BUNDLE["relations.csv"].splitlines(keepends=True)[1:]
ID_RULE = "an id is 1 to 128 characters of A-Z a-z 0-9 . _ : -"
NOT_CHECKED = "rows not checked until the header is fixed"
DEMANDS = "id,title,field,status\ndem-1,高镍正极量产,新能源,open\n"
GBK_DEMANDS = (DEMANDS + "dem-2,氢能储运,新能源,open\ndem-3,芯片封装,集成电路,open\n").encode("gbk")


def relations_with(*extra: str) -> str:
    """The valid relations followed by ``extra`` rows (the first extra row is on line 12)."""
    return RELATION_HEADER + "".join(RELATION_ROWS) + "".join(f"{row}\n" for row in extra)


CASES: dict[str, tuple[dict[str, str | bytes], list[str]]] = {
    "missing required column": (
        {
            "institutions.csv": "id,name,region\nsjtu,上海交通大学,闵行区\n"
            "fudan,复旦,杨浦区\nent-1,某公司,\n"
        },
        ["institutions.csv:1: kind: required column missing (the header has: id, name, region)"],
    ),
    "missing relation column": (
        {"relations.csv": "source,target\nsjtu,ach-1\n"},
        [
            "relations.csv:1: type: required column missing (the header has: source, target); "
            + NOT_CHECKED
        ],
    ),
    # the rows have names; relations.csv still finds stte among the brokers' ids
    "column given twice": (
        {"brokers.csv": "id,name,kind,name,certified\nstte,上海技术交易所,exchange,上技所,true\n"},
        [f"brokers.csv:1: name: column given twice; {NOT_CHECKED}"],
    ),
    "relation column given twice": (
        {"relations.csv": relations_with().replace("weight,mode", "weight,weight", 1)},
        [f"relations.csv:1: weight: column given twice; {NOT_CHECKED}"],
    ),
    "control characters in the header are escaped": (
        {
            "institutions.csv": "id,name,re\x01gion\tcity\nsjtu,交大,闵行\n"
            "fudan,复旦,杨浦\nent-1,某公司,\n"
        },
        [
            "institutions.csv:1: kind: required column missing (the header has: id, name, "
            "re\\x01gion\\tcity)"
        ],
    ),
    "empty file": (
        {"brokers.csv": ""},
        [
            "brokers.csv:1: -: empty file: no header row",
            "relations.csv:5: source: no node 'stte' in the bundle or in the graph",
            "relations.csv:6: source: no node 'stte' in the bundle or in the graph",
        ],
    ),
    "unknown kind": (
        {"brokers.csv": "id,name,kind,certified\nstte,上海技术交易所,bourse,true\n"},
        [
            "brokers.csv:2: kind: unknown kind 'bourse'; allowed: transfer_office, agency, "
            "exchange, platform, technology_manager, association, poc_center"
        ],
    ),
    "empty kind": (
        {"investors.csv": "id,name,kind,aum_cny\nfund-1,上海科创基金,,\n"},
        ["investors.csv:2: kind: empty; a value is required"],
    ),
    "unknown status": (
        {
            "achievements.csv": "id,title,field,status\n"
            "ach-1,固态电池电解质,新能源,listed\nach-2,肿瘤早筛芯片,生物医药,sold\n"
        },
        [
            "achievements.csv:3: status: unknown status 'sold'; allowed: available, listed, "
            "under_negotiation, transferred, licensed, equity, spun_off"
        ],
    ),
    "unknown relation type": (
        {"relations.csv": relations_with("sjtu,ach-2,OWNS,,,,,")},
        [
            "relations.csv:12: type: unknown relation type 'OWNS'; allowed: DEVELOPED, "
            "TRANSFERRED_TO, BROKERED, SERVES, INVESTED_IN, PARTNERS_WITH, COLLABORATES_WITH, "
            "RAISED, SOLVES"
        ],
    ),
    "unknown transfer mode": (
        {"relations.csv": relations_with("ach-2,ent-1,TRANSFERRED_TO,,,,,sale")},
        [
            "relations.csv:12: mode: unknown mode 'sale'; allowed: transfer, license, equity, "
            "joint_rd, service"
        ],
    ),
    "bad id": (
        {"investors.csv": "id,name,kind\nfund-1,上海科创基金,guidance_fund\nfund/2,某天使,angel\n"},
        [f"investors.csv:3: id: bad id 'fund/2': {ID_RULE}"],
    ),
    "id too long": (
        {"investors.csv": f"id,name,kind\nfund-1,基金,vc\n{'f' * 129},某天使,angel\n"},
        [f"investors.csv:3: id: bad id '{'f' * 129}': {ID_RULE}"],
    ),
    "empty id": (
        {"investors.csv": "id,name,kind\nfund-1,基金,vc\n,某天使,angel\n"},
        ["investors.csv:3: id: empty; an id is required"],
    ),
    "bad relation id": (
        {"relations.csv": relations_with("sjtu,ach-2,DEVELOPED,r 1,,,,")},
        [f"relations.csv:12: id: bad id 'r 1': {ID_RULE}"],
    ),
    "bad endpoint id": (
        {"relations.csv": relations_with("sjtu,ach 2,DEVELOPED,,,,,")},
        [f"relations.csv:12: target: bad id 'ach 2': {ID_RULE}"],
    ),
    "duplicate id in one file": (
        {"institutions.csv": VALID_BUNDLE["institutions.csv"] + "sjtu,交大,university,,,,,\n"},
        ["institutions.csv:5: id: duplicate id 'sjtu', first given at institutions.csv:2"],
    ),
    "duplicate id across files": (
        {
            "brokers.csv": "id,name,kind\nstte,上海技术交易所,exchange\n"
            "fudan,复旦技转,transfer_office\n"
        },
        ["brokers.csv:3: id: duplicate id 'fudan', first given at institutions.csv:3"],
    ),
    "bad integer": (
        {
            "institutions.csv": "id,name,kind,founded\nsjtu,交大,university,18x6\n"
            "fudan,复旦,university,\n"
            "ent-1,某公司,enterprise,\n"
        },
        ["institutions.csv:2: founded: not an integer: '18x6'"],
    ),
    "year out of range": (
        {"channels.csv": "id,name,country,established\nch-de,中德中心,DE,1492\n"},
        ["channels.csv:2: established: 1492 is out of range 1800 to 2100"],
    ),
    "trl out of range": (
        {"achievements.csv": "id,title,field,trl\nach-1,电解质,新能源,10\nach-2,芯片,医药,0\n"},
        [
            "achievements.csv:2: trl: 10 is out of range 1 to 9",
            "achievements.csv:3: trl: 0 is out of range 1 to 9",
        ],
    ),
    "latitude out of range": (
        {
            "institutions.csv": "id,name,kind,lat,lon\nsjtu,交大,university,91,121.4\n"
            "fudan,复旦,university,31.3,-180.5\nent-1,某公司,enterprise,,\n"
        },
        [
            "institutions.csv:2: lat: 91 is out of range -90 to 90",
            "institutions.csv:3: lon: -180.5 is out of range -180 to 180",
        ],
    ),
    "bad decimal": (
        {
            "institutions.csv": "id,name,kind,lat\nsjtu,交大,university,north\n"
            "fudan,复旦,university,nan\nent-1,某公司,enterprise,1_0\n"
        },
        [
            "institutions.csv:2: lat: not a decimal number: 'north'",
            "institutions.csv:3: lat: not a decimal number: 'nan'",
            "institutions.csv:4: lat: not a decimal number: '1_0'",
        ],
    ),
    "negative amount": (
        {
            "achievements.csv": "id,title,field,value_cny\n"
            "ach-1,电解质,新能源,-5\nach-2,芯片,医药,\n",
            "investors.csv": "id,name,kind,aum_cny\nfund-1,基金,vc,-0.5\n",
        },
        [
            "achievements.csv:2: value_cny: -5 is below the minimum 0",
            "investors.csv:2: aum_cny: -0.5 is below the minimum 0",
        ],
    ),
    "negative relation amount": (
        {"relations.csv": relations_with("fund-1,ach-2,INVESTED_IN,,,-100,,")},
        ["relations.csv:12: amount_cny: -100 is below the minimum 0"],
    ),
    "weight not positive": (
        {
            "relations.csv": relations_with(
                "sjtu,ach-2,DEVELOPED,,,,0,", "fudan,ach-1,DEVELOPED,,,,-2,"
            )
        },
        [
            "relations.csv:12: weight: 0 is not positive",
            "relations.csv:13: weight: -2 is not positive",
        ],
    ),
    "bad date": (
        {"demands.csv": "id,title,field,posted\ndem-1,高镍正极量产,新能源,2024-02-30\n"},
        ["demands.csv:2: posted: not an ISO 8601 date: '2024-02-30'"],
    ),
    "bad relation date": (
        {"relations.csv": relations_with("sjtu,ach-2,DEVELOPED,,01/02/2023,,,")},
        ["relations.csv:12: date: not an ISO 8601 date: '01/02/2023'"],
    ),
    "bad boolean": (
        {"brokers.csv": "id,name,kind,certified\nstte,上海技术交易所,exchange,yes\n"},
        ["brokers.csv:2: certified: not a boolean (true or false): 'yes'"],
    ),
    "bad country code": (
        {
            "channels.csv": "id,name,country\nch-de,中德中心,Germany\n",
            "brokers.csv": "id,name,kind,country\nstte,上海技术交易所,exchange,XX\n",
        },
        [
            "brokers.csv:2: country: not an ISO 3166-1 alpha-2 country code: 'XX'",
            "channels.csv:2: country: not an ISO 3166-1 alpha-2 country code: 'Germany'",
        ],
    ),
    "channel without country": (
        {"channels.csv": "id,name,country\nch-de,中德中心,\n"},
        ["channels.csv:2: country: empty; a value is required"],
    ),
    "unclosed quote": (
        {
            "brokers.csv": "id,name,kind\nstte,交易所,exchange\n"
            'br-2,"某代理,agency\nbr-3,yy,agency\n'
        },
        ["brokers.csv:3: -: unclosed quote: the quoted field never ends"],
    ),
    # the quoted 2,000,000-character cell is read in full: the row after it is still checked
    "cell over the maximum": (
        {"achievements.csv": 'id,title,field\nach-1,电解质,"' + "长" * 2_000_000 + '"\nach-2,yy\n'},
        [
            "achievements.csv:2: field: cell longer than 1,048,576 characters (2,000,000)",
            "achievements.csv:3: -: 2 fields, but the header has 3",
            "achievements.csv:3: field: empty; a value is required",
        ],
    ),
    "bad quoting": (
        {"brokers.csv": 'id,name,kind\nstte,交易所,exchange\nbr-2,"某"代理,agency\n'},
        ["brokers.csv:3: -: bad quoting: ',' expected after '\"'"],
    ),
    "too few fields": (
        {"brokers.csv": "id,name,kind,certified\nstte,上海技术交易所,exchange\n"},
        ["brokers.csv:2: -: 3 fields, but the header has 4"],
    ),
    "too many fields": (
        {"brokers.csv": "id,name,kind\nstte,上海技术交易所,exchange,true\n"},
        ["brokers.csv:2: -: 4 fields, but the header has 3"],
    ),
    "invalid UTF-8": (
        {"demands.csv": "id,title,field\ndem-1,高镍".encode() + b"\xff\xfe,new\n"},
        ["demands.csv:2: title: invalid UTF-8 (byte 0xff)"],
    ),
    "invalid UTF-8 on several lines": (
        {
            "demands.csv": DEMANDS.encode()
            + b"dem-2,\xff,x,open\ndem-3,ok,x,open\ndem-4,\xfe\xff,x,open\n"
        },
        [
            "demands.csv:3: title: invalid UTF-8 (byte 0xff)",
            "demands.csv:5: -: invalid UTF-8 on 1 more line",
        ],
    ),
    "a GBK file": (
        {"demands.csv": GBK_DEMANDS},
        [
            "demands.csv:2: title: invalid UTF-8 (byte 0xb8)",
            "demands.csv:3: -: invalid UTF-8 on 2 more lines, up to line 4; the bad bytes read "
            "as GB18030: the file may be GBK/GB18030, save it as UTF-8",
        ],
    ),
    "a UTF-16 file": (
        {"relations.csv": relations_with().encode("utf-16")},
        ["relations.csv:1: -: not UTF-8 (looks like UTF-16); save it as UTF-8"],
    ),
    "a UTF-16 file without a byte order mark": (
        {"relations.csv": relations_with().encode("utf-16-be")},
        ["relations.csv:1: -: not UTF-8 (looks like UTF-16); save it as UTF-8"],
    ),
    "a UTF-32 file": (
        {"relations.csv": relations_with().encode("utf-32-le")},
        ["relations.csv:1: -: not UTF-8 (looks like UTF-32); save it as UTF-8"],
    ),
    "NUL bytes": (
        {"relations.csv": b"\x00\x01\x02\x03PK"},
        ["relations.csv:1: -: not UTF-8 text (it holds NUL bytes); save it as UTF-8"],
    ),
    "invalid UTF-8 inside a multi-line field": (
        {"demands.csv": 'id,title,field\ndem-1,"高镍\n正极\n'.encode() + b'\xc3(",new\n'},
        ["demands.csv:4: title: invalid UTF-8 (byte 0xc3)"],
    ),
    "line numbers are physical after multi-line fields": (
        {
            "achievements.csv": "id,title,field,trl\n"
            'ach-1,"固态\n电池\n电解质",新能源,6\nach-2,芯片,医药,12\n'
        },
        ["achievements.csv:5: trl: 12 is out of range 1 to 9"],
    ),
    "dangling endpoint": (
        {"relations.csv": relations_with("sjtu,ach-9,DEVELOPED,,,,,")},
        ["relations.csv:12: target: no node 'ach-9' in the bundle or in the graph"],
    ),
    "ill-typed endpoints": (
        {
            "relations.csv": relations_with(
                "ach-1,sjtu,DEVELOPED,,,,,", "fund-1,stte,INVESTED_IN,,,,,"
            )
        },
        [
            "relations.csv:12: source: DEVELOPED needs a source of type Institution; "
            "'ach-1' is of type Achievement",
            "relations.csv:12: target: DEVELOPED needs a target of type Achievement; "
            "'sjtu' is of type Institution",
            "relations.csv:13: target: INVESTED_IN needs a target of type Institution or "
            "Achievement; 'stte' is of type Broker",
        ],
    ),
    "a relation repeated with other cells": (
        {"relations.csv": relations_with("sjtu,ach-1,DEVELOPED,,,,3,")},
        [
            "relations.csv:12: date: the relation sjtu>DEVELOPED>ach-1 was given at line 2 "
            "with '2021-05-01'; give each row an id to keep both",
            "relations.csv:12: weight: the relation sjtu>DEVELOPED>ach-1 was given at line 2 "
            "with an empty cell; give each row an id to keep both",
        ],
    ),
    "a relation repeated with its id and other cells": (
        {
            "relations.csv": relations_with(
                "sjtu,fudan,COLLABORATES_WITH,lab-1,2020-01-01,,,",
                "sjtu,fudan,COLLABORATES_WITH,lab-1,2021-01-01,,,",
            )
        },
        [
            "relations.csv:13: date: the relation 'lab-1' (sjtu>COLLABORATES_WITH>fudan) was "
            "given at line 12 with '2020-01-01'; give each row its own id to keep both"
        ],
    ),
    "a relation repeated with fewer fields": (
        {"relations.csv": relations_with("stte,sjtu,SERVES,,,,")},
        [
            "relations.csv:12: -: 7 fields, but the header has 8",
            "relations.csv:12: mode: the relation stte>SERVES>sjtu was given at line 6 with an "
            "empty cell; give each row an id to keep both",
        ],
    ),
    "a relation repeated after a BOM, CRLF line ends and a multi-line field": (
        {
            "relations.csv": "\ufeffsource,target,type,note\r\n"
            'sjtu,ach-1,DEVELOPED,"联合\r\n实验室"\r\n'
            "fudan,ach-2,DEVELOPED,\r\n"
            "sjtu,ach-1,DEVELOPED,联合实验室\r\n"
        },
        [
            "relations.csv:5: note: the relation sjtu>DEVELOPED>ach-1 was given at line 2 with "
            "'联合\\r\\n实验室'; give each row an id to keep both"
        ],
    ),
    "a relation id used for another pair": (
        {
            "relations.csv": relations_with(
                "sjtu,ach-2,DEVELOPED,r1,,,,", "fudan,ach-2,DEVELOPED,r1,,,,"
            )
        },
        [
            "relations.csv:13: id: relation id 'r1' is already used at line 12 for "
            "sjtu>DEVELOPED>ach-2"
        ],
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_is_reported_exactly_and_nothing_is_written(
    case: str, bundle: BundleWriter, load: Loader, store_uri: str
) -> None:
    broken, expected = CASES[case]
    directory = bundle({**VALID_BUNDLE, **broken})
    run = load(directory)
    assert run.problems == expected, run.stderr
    assert run.returncode == 1
    count = f"{len(expected)} problem{'s' if len(expected) > 1 else ''}"
    assert f"invalid bundle {directory}: {count}; nothing was written" in run.stderr
    assert run.stdout == ""
    assert_nothing_loaded(store_uri)


def assert_nothing_loaded(store_uri: str) -> None:
    """The store holds no source and no node."""
    store = open_store(str(store_uri))
    try:
        counts = store.counts()
    finally:
        store.close()
    assert (counts.nodes, counts.relationships, counts.sources) == (0, 0, [])


def test_every_problem_is_reported_not_just_the_first(bundle: BundleWriter, load: Loader) -> None:
    broken = {
        "institutions.csv": "id,name,kind\nsjtu,交大,college\nfudan,复旦,university\n"
        "ent-1,某公司,enterprise\n",
        "brokers.csv": "id,name,kind,certified\nstte,上海技术交易所,exchange,maybe\n",
        "relations.csv": relations_with("sjtu,nowhere,DEVELOPED,,,,,"),
    }
    run = load(bundle({**VALID_BUNDLE, **broken}))
    assert run.returncode == 1
    assert run.problems == [
        "institutions.csv:2: kind: unknown kind 'college'; allowed: university, "
        "research_institute, enterprise, hospital, new_rd_institution, platform, incubator, "
        "science_park, government",
        "brokers.csv:2: certified: not a boolean (true or false): 'maybe'",
        "relations.csv:12: target: no node 'nowhere' in the bundle or in the graph",
    ]


def test_a_bundle_without_known_files_is_a_usage_error(bundle: BundleWriter, load: Loader) -> None:
    run = load(bundle({"notes.txt": "hello\n"}))
    assert run.returncode == 2
    assert "none of the bundle files is there; expected any of institutions.csv" in run.stderr


def test_a_missing_bundle_directory_is_a_usage_error(tmp_path: Path, load: Loader) -> None:
    run = load(tmp_path / "nowhere")
    assert run.returncode == 2
    assert f"innonet load: {tmp_path / 'nowhere'}: no such directory" in run.stderr


def test_an_unreadable_file_is_a_usage_error(tmp_path: Path, load: Loader) -> None:
    directory = write_files(tmp_path / "bundle", {"brokers.csv": "id,name,kind\n"})
    (directory / "relations.csv").mkdir()
    run = load(directory)
    assert run.returncode == 2
    assert f"{directory / 'relations.csv'}: not a file" in run.stderr


def test_a_bad_source_name_is_a_usage_error(bundle: BundleWriter, load: Loader) -> None:
    run = load(bundle(VALID_BUNDLE), "--source", "nightly export")
    assert run.returncode == 2
    assert "source name 'nightly export' is not valid" in run.stderr


def test_unknown_csv_files_are_a_warning_not_an_error(bundle: BundleWriter, load: Loader) -> None:
    directory = bundle(
        {**VALID_BUNDLE, "institution.csv": "id,name,kind\n", "README.txt": "exported nightly\n"}
    )
    run = load(directory)
    assert run.returncode == 0, run.stderr
    assert f"warning: {directory / 'institution.csv'}: not a bundle file; ignored" in run.stderr
    assert "README.txt" not in run.stderr
