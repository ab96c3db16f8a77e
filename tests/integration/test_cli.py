"""CLI: init, org create, apikey create/revoke, evidence, ledger verify (and tampering)."""
import json
import re
import shutil
import sqlite3
import time
import uuid

import pytest

from tocsin_server import TocsinServer, an_id, unique_email, unique_phone

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


@pytest.fixture()
def srv(tmp_path):
    s = TocsinServer(tmp_path / "data")
    yield s
    s.stop()


def wait_status(client, path, want, timeout=5.0):
    deadline = time.monotonic() + timeout
    while True:
        code = client.get(path).status_code
        if code == want or time.monotonic() > deadline:
            return code
        time.sleep(0.1)


def test_init_prints_one_json_line(srv):
    r = srv.cli("init", "--data", srv.data_dir, "--org", "First Org")
    lines = [ln for ln in r.stdout.splitlines() if ln.strip()]
    assert len(lines) == 1, r.stdout
    out = json.loads(lines[0])
    assert set(out) >= {"org_id", "api_key"}
    assert UUID_RE.match(out["org_id"])
    assert len(out["api_key"]) >= 20
    if srv.backend == "sqlite":
        assert (srv.data_dir / "tocsin.db").exists()
    con = srv.db()
    try:
        stored = [row[0] for row in con.execute("SELECT hash FROM api_keys")]
    finally:
        con.close()
    assert out["api_key"] not in stored, "API keys must be stored hashed"


def test_init_without_org_name(srv):
    out = srv.json_line(srv.cli("init", "--data", srv.data_dir).stdout)
    assert UUID_RE.match(out["org_id"])


def test_org_create_and_keys_work(srv):
    a = srv.init("A")
    b = srv.create_org("B")
    assert a["org_id"] != b["org_id"] and a["api_key"] != b["api_key"]
    srv.write_config()
    srv.start()
    for org in (a, b):
        assert srv.client(org["api_key"]).get("people").status_code == 200


def test_apikey_create_and_revoke(srv):
    a = srv.init("A")
    b = srv.create_org("B")
    srv.write_config()
    srv.start()
    k = srv.create_key(a["org_id"])
    assert k["api_key"] != a["api_key"]
    c = srv.client(k["api_key"])
    assert wait_status(c, "people", 200) == 200, "a new key must work on a running server"
    p = c.signup(unique_email("newkey"))
    assert srv.client(a["api_key"]).get(f"people/{an_id(p)}").status_code == 200, "new key belongs to org A"
    r = srv.revoke_key(a["org_id"], k["key_id"])
    assert r.returncode == 0
    assert wait_status(c, "people", 401) == 401, "a revoked key must stop working"
    assert c.get("people").json()["error"].startswith("API Key invalid or not present")
    assert srv.client(a["api_key"]).get("people").status_code == 200, "other keys of the org keep working"


def test_apikey_revoke_needs_the_owning_org(srv):
    a = srv.init("A")
    b = srv.create_org("B")
    kb = srv.create_key(b["org_id"])
    r = srv.revoke_key(a["org_id"], kb["key_id"], check=False)
    assert r.returncode != 0, "org A must not revoke org B's key"
    srv.write_config()
    srv.start()
    assert srv.client(kb["api_key"]).get("people").status_code == 200


def test_revoked_key_rejected_after_restart(srv):
    a = srv.init("A")
    k = srv.create_key(a["org_id"])
    srv.revoke_key(a["org_id"], k["key_id"])
    srv.write_config()
    srv.start()
    assert srv.client(k["api_key"]).get("people").status_code == 401


# ----------------------------------------------------------------------------------------- evidence
@pytest.fixture()
def populated(srv):
    """Org A with ledger activity (>= 5 entries), org B with one entry; server stopped afterwards."""
    a = srv.init("A")
    b = srv.create_org("B")
    srv.write_config()
    srv.start()
    ca = srv.client(a["api_key"], user_agent="EvidenceUA/1.0")
    email, phone = unique_email("ev"), unique_phone()
    p = ca.signup(email, phone, phone_status="subscribed")
    others = [ca.signup(unique_email("ev-other")) for _ in range(2)]
    r = ca.put(f"people/{an_id(p)}", json={"email_addresses": [{"status": "unsubscribed"}]})
    assert r.status_code == 200
    email_b = unique_email("ev-b")
    srv.client(b["api_key"]).signup(email_b)
    consent = ca.ok("GET", f"people/{an_id(p)}/consent")
    srv.stop()
    return {"a": a, "b": b, "email": email, "phone": phone, "pid": an_id(p), "consent": consent,
            "email_b": email_b, "others": others}


def contact_point(stdout):
    """The evidence's contact point object (unwrapped from {"contact_point": ...} if the output wraps it;
    test_evidence_output_shape checks the shape itself)."""
    ev = json.loads(stdout)
    return ev.get("contact_point", ev)


def test_evidence_output_shape(srv, populated):
    r = srv.cli("evidence", "--data", srv.data_dir, "--org", populated["a"]["org_id"], populated["email"])
    ev = json.loads(r.stdout)
    api_cp = [c for c in populated["consent"]["contact_points"] if c["channel"] == "email"][0]
    # contract: same shape as the consent endpoint's contact point object
    assert set(api_cp) <= set(ev), f"evidence top-level keys {sorted(ev)} lack {sorted(set(api_cp) - set(ev))}"


def test_evidence_email(srv, populated):
    r = srv.cli("evidence", "--data", srv.data_dir, "--org", populated["a"]["org_id"], populated["email"])
    ev = contact_point(r.stdout)
    api_cp = [c for c in populated["consent"]["contact_points"] if c["channel"] == "email"][0]
    assert ev["channel"] == "email" and ev["address"] == populated["email"]
    assert ev["status"] == "unsubscribed"
    assert ev["contact_hash"] == api_cp["contact_hash"]
    assert [e["hash"] for e in ev["entries"]] == [e["hash"] for e in api_cp["entries"]]
    assert [e["new_status"] for e in ev["entries"]] == ["subscribed", "unsubscribed"]
    assert all(e["ip"] == "127.0.0.1" and e["user_agent"] == "EvidenceUA/1.0" for e in ev["entries"])


@pytest.mark.parametrize("fmt", ["{d}", "+{d}", "+1 ({a}) {x}-{l}"])
def test_evidence_phone_any_format(srv, populated, fmt):
    d = populated["phone"]
    n = d[1:]
    value = fmt.format(d=d, a=n[:3], x=n[3:6], l=n[6:])
    r = srv.cli("evidence", "--data", srv.data_dir, "--org", populated["a"]["org_id"], value)
    ev = contact_point(r.stdout)
    assert ev["channel"] == "sms" and ev["status"] == "subscribed"
    assert ev["entries"] and ev["entries"][-1]["new_status"] == "subscribed"


def test_evidence_unknown_and_other_org(srv, populated):
    r = srv.cli("evidence", "--data", srv.data_dir, "--org", populated["a"]["org_id"], unique_email("nobody"),
                check=False)
    assert r.returncode == 1
    assert (r.stdout + r.stderr).strip(), "must print a message"
    r = srv.cli("evidence", "--data", srv.data_dir, "--org", populated["a"]["org_id"], populated["email_b"],
                check=False)
    assert r.returncode == 1, "org A must not get evidence of org B's contact"
    assert populated["email_b"] not in r.stdout or "entries" not in r.stdout


# ------------------------------------------------------------------------------------------- ledger
def verify(srv, *extra, data_dir=None):
    return srv.cli("ledger", "verify", "--data", data_dir or srv.data_dir, *extra, check=False)


def test_ledger_verify_ok(srv, populated):
    r = verify(srv)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.lstrip().startswith("ok"), r.stdout
    r = verify(srv, "--org", populated["a"]["org_id"])
    assert r.returncode == 0 and r.stdout.lstrip().startswith("ok")


def tampered_copy(srv, tmp_path, name):
    """A data directory to tamper with: a copy on SQLite; on PostgreSQL the installation itself (its database
    is the test's own, and a copied directory would name the same one)."""
    if srv.backend == "postgresql":
        return srv.data_dir
    dst = tmp_path / name
    shutil.copytree(srv.data_dir, dst)
    shutil.copy(srv.kek_path, dst.parent / (dst.name + ".kek"))  # the key-encryption key beside it
    return dst


def open_for_tampering(srv, data_dir):
    """A connection to the data directory's database with the ledger's append-only triggers removed, as an
    attacker with database access would."""
    if srv.backend == "postgresql":
        con = srv.db()
        con.execute("ALTER TABLE ledger DISABLE TRIGGER USER")
        return con
    con = sqlite3.connect(data_dir / "tocsin.db")
    for (trig,) in con.execute("SELECT name FROM sqlite_master WHERE type='trigger' AND tbl_name='ledger'").fetchall():
        con.execute(f'DROP TRIGGER "{trig}"')
    return con


def seqs(con, org):
    return [r[0] for r in con.execute("SELECT seq FROM ledger WHERE org_id=? ORDER BY seq", (org,))]


def assert_names(r, org_id, seq):
    out = r.stdout + r.stderr
    assert r.returncode == 1, f"verify exit {r.returncode}: {out}"
    assert org_id in out, f"verify output must name the org: {out}"
    assert re.search(rf"(?<!\d){seq}(?!\d)", out), f"verify output must name entry {seq}: {out}"


def test_ledger_tamper_update_detected(srv, populated, tmp_path):
    org = populated["a"]["org_id"]
    d = tampered_copy(srv, tmp_path, "upd")
    con = open_for_tampering(srv, d)
    s = seqs(con, org)
    assert len(s) >= 4
    target = s[1]
    (old,) = con.execute("SELECT new_status FROM ledger WHERE org_id=? AND seq=?", (org, target)).fetchone()
    new = "unsubscribed" if isinstance(old, str) else (old + 1) % 6
    if isinstance(old, str) and old == "unsubscribed":
        new = "subscribed"
    con.execute("UPDATE ledger SET new_status=? WHERE org_id=? AND seq=?", (new, org, target))
    con.commit()
    con.close()
    assert_names(verify(srv, data_dir=d), org, target)
    assert_names(verify(srv, "--org", org, data_dir=d), org, target)
    r = verify(srv, "--org", populated["b"]["org_id"], data_dir=d)
    assert r.returncode == 0, "org B's chain is intact"


def test_ledger_tamper_delete_middle_detected(srv, populated, tmp_path):
    org = populated["a"]["org_id"]
    d = tampered_copy(srv, tmp_path, "del")
    con = open_for_tampering(srv, d)
    s = seqs(con, org)
    target = s[len(s) // 2]
    assert s[0] < target < s[-1]
    con.execute("DELETE FROM ledger WHERE org_id=? AND seq=?", (org, target))
    con.commit()
    con.close()
    assert_names(verify(srv, data_dir=d), org, target)


def test_ledger_tamper_other_columns_detected(srv, populated, tmp_path):
    org = populated["a"]["org_id"]
    d = tampered_copy(srv, tmp_path, "cols")
    con = open_for_tampering(srv, d)
    target = seqs(con, org)[0]
    con.execute("UPDATE ledger SET time = time + 1000000 WHERE org_id=? AND seq=?", (org, target))
    con.commit()
    con.close()
    assert_names(verify(srv, data_dir=d), org, target)


def test_server_refuses_tampered_ledger_or_reports_it(srv, populated, tmp_path):
    """After tampering, the consent proof must not claim chain_verified: true for the altered contact."""
    org = populated["a"]["org_id"]
    con = open_for_tampering(srv, srv.data_dir)
    first = seqs(con, org)[0]
    con.execute("UPDATE ledger SET actor = 'forged' WHERE org_id=? AND seq=?", (org, first))
    con.commit()
    con.close()
    try:
        srv.start()
    except AssertionError:
        return  # refusing to serve a tampered ledger is acceptable
    r = srv.client(populated["a"]["api_key"]).get(f"people/{populated['pid']}/consent")
    assert r.status_code == 200
    assert r.json()["chain_verified"] is False
