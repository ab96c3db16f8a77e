"""One undecodable record must not take the server down (issue #10 item 11).

The importer refuses a cell that is not valid UTF-8, naming the row (docs/IMPORT.md), so nothing it stores
can break a later start. And a document that does not decode anyway (written by an older version, or by hand)
is quarantined at start: skipped in memory with one log line naming organization and record, kept in the
database, listed by `tocsin quarantine list` — every other person and organization is served."""
import json
import sqlite3

import pytest

from fixtures.postgres import sqlite_only
from tocsin_server import TocsinServer, an_id, unique_email


@pytest.fixture()
def srv(tmp_path):
    s = TocsinServer(tmp_path / "data")
    s.init("A")
    s.create_org("B")
    yield s
    s.stop()


def quarantine_list(srv, *extra):
    r = srv.cli("quarantine", "list", "--data", srv.data_dir, *extra)
    return [json.loads(ln) for ln in r.stdout.splitlines() if ln.strip()]


def test_import_refuses_a_cell_that_is_not_utf8_naming_the_row(srv, tmp_path):
    f = tmp_path / "latin1.csv"
    f.write_bytes(b"email,first_name\n"
                  b"ok1@example.org,Ada\n"
                  b"jose@example.org,Jos\xe9\n"  # Latin-1, as spreadsheet exports often are
                  b"ok2@example.org,Grace\n")
    r = srv.cli("import", "--data", srv.data_dir, "--org", srv.orgs["A"]["org_id"], f)
    summary = srv.json_line(r.stdout)
    assert summary["errors"] == 1 and summary["imported"] == 2
    rows = [ln for ln in r.stderr.splitlines() if ln.startswith("row ")]
    assert rows == ["row 2: column 2 is not valid UTF-8 (save the file as UTF-8)"]
    # nothing undecodable was stored: export and serve work, and nothing is quarantined
    out = srv.cli("export", "--data", srv.data_dir, "--org", srv.orgs["A"]["org_id"]).stdout
    assert "ok1@example.org" in out and "jose@example.org" not in out
    srv.write_config()
    srv.start()
    assert quarantine_list(srv) == []


def test_a_header_that_is_not_utf8_fails_the_file(srv, tmp_path):
    f = tmp_path / "header.csv"
    f.write_bytes(b"email,Stra\xdfe\nok@example.org,Main\n")
    r = srv.cli("import", "--data", srv.data_dir, "--org", srv.orgs["A"]["org_id"], f, check=False)
    assert r.returncode != 0 and "header: column 2 is not valid UTF-8" in r.stderr


def corrupt(srv, table, record_id, old: bytes, new: bytes):
    """Rewrites one stored document with sqlite3, replacing `old` by the invalid bytes `new`: in plaintext, as
    an older importer wrote it before encryption at rest (a value without the sealed prefix is read as is)."""
    con = sqlite3.connect(srv.db_path)
    (doc,) = con.execute(f"SELECT doc FROM {table} WHERE id = ?", (record_id,)).fetchone()
    doc = srv.unseal(doc, f"{table}.doc").encode()
    assert old in doc
    con.execute(f"UPDATE {table} SET doc = CAST(? AS TEXT) WHERE id = ?", (doc.replace(old, new), record_id))
    con.commit()
    con.close()


@sqlite_only("writes invalid UTF-8 into the SQLite file; a PostgreSQL UTF8 database refuses such text, so "
             "that corruption cannot occur there")
def test_a_corrupt_document_is_quarantined_and_everything_else_is_served(srv):
    org_a, org_b = srv.orgs["A"], srv.orgs["B"]
    srv.write_config()
    srv.start()
    a, b = srv.client(org_a["api_key"]), srv.client(org_b["api_key"])
    bad = a.signup(unique_email("bad"), given="Zoltan")
    good = a.signup(unique_email("good"), given="Ada")
    other = b.signup(unique_email("other"), given="Grace")
    petition = a.ok("POST", "petitions", json={"title": "Parks forever"})
    srv.stop()

    corrupt(srv, "people", an_id(bad), b"Zoltan", b"Zolt\xe1n")
    corrupt(srv, "actions", an_id(petition), b"Parks", b"P\xe4rks")

    srv.start()
    assert a.get(f"people/{an_id(good)}").json()["given_name"] == "Ada"
    assert b.get(f"people/{an_id(other)}").json()["given_name"] == "Grace"
    assert a.get(f"people/{an_id(bad)}").status_code == 404
    assert a.get(f"petitions/{an_id(petition)}").status_code == 404
    ids = {an_id(p) for p in a.ok("GET", "people")["_embedded"]["osdi:people"]}
    assert an_id(good) in ids and an_id(bad) not in ids
    log = srv.log_tail(20000)
    lines = [ln for ln in log.splitlines() if "quarantined" in ln]
    assert len(lines) == 2, log
    assert org_a["org_id"] in lines[0] and f"people {an_id(bad)}" in lines[0]
    assert f"actions {an_id(petition)}" in lines[1]

    listed = quarantine_list(srv)
    assert [(q["org_id"], q["table"], q["id"]) for q in listed] == [
        (org_a["org_id"], "people", an_id(bad)), (org_a["org_id"], "actions", an_id(petition))]
    assert "Zolt\\xe1n" in listed[0]["doc"] and "UTF" in listed[0]["reason"]
    assert quarantine_list(srv, "--org", org_b["org_id"]) == []
    # the row is still in the database, untouched
    con = sqlite3.connect(srv.db_path)
    assert b"Zolt\xe1n" in con.execute("SELECT CAST(doc AS BLOB) FROM people WHERE id = ?",
                                       (an_id(bad),)).fetchone()[0]
    con.close()
    # export skips it too instead of failing
    srv.stop()
    out = srv.cli("export", "--data", srv.data_dir, "--org", org_a["org_id"]).stdout
    assert good["email_addresses"][0]["address"] in out
