"""`tocsin store copy --from DIR --to postgresql://...` (issue 14): an SQLite installation moved into an empty
PostgreSQL database keeps every row (counts equal, table by table), its ledger chains verify on the copy, and
the copy serves the same people and consent proofs. Runs on either backend setting: the source is always an
SQLite installation, the destination a database of the test's PostgreSQL cluster (tests/fixtures/postgres.py).
"""
import json

from fixtures.postgres import PgDb, shared_cluster
from tocsin_server import TocsinServer, an_id, unique_email, unique_phone


def verify_lines(srv, env=None):
    r = srv.cli("ledger", "verify", "--data", srv.data_dir, check=False)
    return r.returncode, sorted(ln for ln in r.stdout.splitlines() if ln.strip())


def test_copy_keeps_every_row_and_the_ledger_chain(tmp_path):
    src = TocsinServer(tmp_path / "data", backend_override="sqlite")
    a = src.init("A")
    b = src.create_org("B")
    src.write_config()
    emails = []
    with src.start():
        ca, cb = src.client(a["api_key"]), src.client(b["api_key"])
        pids = []
        for i in range(12):
            email = unique_email("copy")
            emails.append(email)
            p = ca.signup(email, unique_phone() if i % 3 == 0 else None, email_status="subscribed",
                          phone_status="subscribed" if i % 3 == 0 else None, tags=["volunteers"])
            pids.append(an_id(p))
        for email in emails[:4]:  # opt-outs: more ledger entries and suppressions
            ca.signup(email, email_status="unsubscribed")
        petition = an_id(ca.ok("POST", "petitions", json={"title": "Clean air"}))
        for email in emails[4:8]:
            r = ca.post(f"petitions/{petition}/signatures", json={"person": {"email_addresses": [{"address": email}]}})
            assert r.status_code == 200, r.text
        cb.signup(unique_email("b"), email_status="subscribed")
        people_a = sorted(an_id(p) for p in ca.ok("GET", "people", params={"per_page": 100})["_embedded"]["osdi:people"])
        assert len(people_a) == 12
        proof = ca.ok("GET", f"people/{pids[0]}/consent")
    code, before = verify_lines(src)
    assert code == 0, before

    cluster = shared_cluster()
    url = cluster.create_database()
    r = src.cli("store", "copy", "--from", src.data_dir, "--to", url, check=False)
    assert r.returncode == 0, r.stdout + r.stderr
    out = src.json_line(r.stdout)
    assert out["counts_equal"] is True, out
    tables = out["tables"]
    assert tables["orgs"] == 2 and tables["people"] == 13 and tables["ledger"] >= 17, tables
    assert tables["actions"] == 1 and tables["action_records"] == 4, tables
    pg = PgDb(url)
    assert {o for (o,) in pg.execute("SELECT id FROM orgs")} == {a["org_id"], b["org_id"]}

    # The same data directory (its secrets), now on PostgreSQL through TOCSIN_DATABASE_URL.
    copy = TocsinServer(tmp_path / "data", backend_override="sqlite")
    copy.orgs = src.orgs
    copy.cli_env["TOCSIN_DATABASE_URL"] = url
    copy.env["TOCSIN_DATABASE_URL"] = url
    code, after = verify_lines(copy)
    assert code == 0, after
    assert after == before, "the copy's chains: the same entries and heads"
    copy.write_config(port=src.port)  # the same hrefs
    with copy.start():
        ca = copy.client(a["api_key"])
        assert sorted(an_id(p) for p in ca.ok("GET", "people", params={"per_page": 100})["_embedded"]["osdi:people"]) \
            == people_a
        copied_proof = ca.ok("GET", f"people/{pids[0]}/consent")
        assert copied_proof["chain_verified"] is True
        assert json.dumps(copied_proof, sort_keys=True) == json.dumps(proof, sort_keys=True)
        assert ca.signup(unique_email("after"), email_status="subscribed")  # the copy takes writes
    code, _ = verify_lines(copy)
    assert code == 0

    # A second copy into a database that holds organizations is refused, changing nothing.
    r = src.cli("store", "copy", "--from", src.data_dir, "--to", url, check=False)
    assert r.returncode != 0 and "already holds" in r.stderr, r.stderr
    assert pg.execute("SELECT count(*) FROM orgs").fetchone() == (2,)
