"""The access log (privacy/access_log.h, docs/PRIVACY.md "Access log"): every read of supporters' data — a
person, a page of people, a consent proof over the API, the console's person page and search, a CLI export —
is appended as the data is released (durable first with access_log = "durable"; queued for the next group
commit by default), hash-chained per organization with the order assigned by the database. `tocsin audit --person` and GET /api/v2/tocsin:access_log answer "who looked at this person?",
organization B sees only its own log, searched-for addresses are not copied into the log, the chain
verifies across a restart and with the CLI writing while the server runs, and the table refuses changes."""
import re
import time

import pytest
import requests

from test_console_http import Staff
from tocsin_server import TocsinServer, an_id


@pytest.fixture(params=["durable", "batched"])
def srv(tmp_path, request):
    s = TocsinServer(tmp_path / "data")
    s.init("A")
    s.create_org("B")
    s.write_config(sections={"privacy": {"access_log": request.param}})
    s.mode = request.param
    s.start()
    yield s
    s.stop()


def settled(srv, org_id, n, timeout=10):
    """The organization's log once it holds n entries: at once when durable, within a group commit when
    batched."""
    deadline = time.monotonic() + timeout
    while len(entries := audit(srv, "--org", org_id)) < n:
        assert srv.mode == "batched" and time.monotonic() < deadline, (n, entries)
        time.sleep(0.05)
    return entries


def audit(srv, *args):
    r = srv.cli("audit", "--data", srv.data_dir, *args)
    return [srv.json_line(line) for line in r.stdout.splitlines() if line.strip()]


def test_who_looked_at_this_person(srv):
    a, b = srv.orgs["A"], srv.orgs["B"]
    ca, cb = srv.client(a["api_key"]), srv.client(b["api_key"])
    ids = [an_id(ca.signup(email=f"p{i}@example.org", given=f"Given{i}", family="Person")) for i in range(3)]
    p0, p1, p2 = ids
    assert ca.person(p1)["given_name"] == "Given1"
    listed = ca.ok("GET", "people", params={"filter": "email_address eq 'p2@example.org'"})
    assert len(listed["_embedded"]["osdi:people"]) == 1
    assert ca.ok("GET", f"people/{p1}/consent")["person_id"] == p1
    assert cb.get(f"people/{p1}").status_code == 404  # another organization's person: not read, not logged

    settled(srv, a["org_id"], 3)  # the CLI's entry below comes after the server's
    owner = Staff(srv, a["org_id"], "owner@example.org", "owner")
    assert owner.login().status_code == 303
    page = owner.get(f"/admin/people/{p1}")
    assert page.status_code == 200 and "Given1" in page.text
    search = owner.http.post(srv.base + "/admin/people", data={"csrf": owner.csrf(), "q": "p0@example.org"})
    assert search.status_code == 200 and "Given0" in search.text
    account = srv.json_line(srv.cli("user", "list", "--data", srv.data_dir, "--org", a["org_id"]).stdout)
    settled(srv, a["org_id"], 5)

    # The CLI exports while the server serves: both append to the same chain.
    out = srv.data_dir.parent / "people.csv"
    srv.cli("export", "--data", srv.data_dir, "--org", a["org_id"], "--out", out)
    assert "p1@example.org" in out.read_text()

    entries = audit(srv, "--org", a["org_id"])
    actions = [e["action"] for e in entries]
    assert actions == ["person.read", "people.list", "person.consent", "console.person", "console.people_search",
                       "people.export"], actions
    assert [e["seq"] for e in entries] == list(range(1, 7))
    read = entries[0]
    assert read["actor"] == f"api_key:{a['key_id']}" and read["ip"] == "127.0.0.1"
    assert read["person_ids"] == [p1] and read["count"] == 1 and read["query"] == f"/api/v2/people/{p1}"
    # The searched-for address is masked in the log; the person found is listed by id.
    assert entries[1]["person_ids"] == [p2] and "p2@example.org" not in entries[1]["query"], entries[1]
    assert entries[3]["actor"] == f"staff:{account['account_id']}" and entries[3]["person_ids"] == [p1]
    assert entries[4]["person_ids"] == [p0] and "p0@example.org" not in entries[4]["query"]
    assert entries[5]["actor"].startswith("cli:") and sorted(entries[5]["person_ids"]) == sorted(ids)

    who = audit(srv, "--org", a["org_id"], "--person", p1)
    assert [e["action"] for e in who] == ["person.read", "person.consent", "console.person", "people.export"]
    api = ca.ok("GET", "tocsin:access_log", params={"person_id": p1})
    assert [e["seq"] for e in api["_embedded"]["tocsin:access_log_entries"]] == [e["seq"] for e in who]

    # Organization B's log is its own, even when asked about A's person.
    assert cb.ok("GET", "tocsin:access_log")["_embedded"]["tocsin:access_log_entries"] == []
    assert cb.ok("GET", "tocsin:access_log", params={"person_id": p1})["_embedded"][
        "tocsin:access_log_entries"] == []
    assert audit(srv, "--org", b["org_id"]) == []

    # No supporter's address or name was copied into the log.
    db = srv.db()
    try:
        rows = db.execute("SELECT actor, ip, action, query, people FROM access_log").fetchall()
    finally:
        db.close()
    assert len(rows) == 6
    flat = repr(rows)
    for secret in ("p0@example.org", "p1@example.org", "p2@example.org", "Given1", "Person"):
        assert secret not in flat

    # The chain verifies, survives a restart and continues after it.
    assert srv.json_line(srv.cli("audit", "--data", srv.data_dir, "--org", a["org_id"], "--verify").stdout) == {
        "entries": 6, "verified": True}
    srv.restart()
    ca.person(p0)
    settled(srv, a["org_id"], 7)
    again = audit(srv, "--org", a["org_id"], "--since", "2000-01-01T00:00:00Z")
    assert len(again) == 7 and again[6]["prev_hash"] == again[5]["hash"] and again[6]["person_ids"] == [p0]
    assert ca.ok("GET", "tocsin:access_log/tocsin:verify") == {"entries": 7, "verified": True}


def test_paging_filters_and_bad_parameters(srv):
    ca = srv.client(srv.orgs["A"]["api_key"])
    pid = an_id(ca.signup(email="one@example.org"))
    for _ in range(5):
        ca.person(pid)
    settled(srv, srv.orgs["A"]["org_id"], 5)
    first = ca.ok("GET", "tocsin:access_log", params={"limit": 2})
    assert [e["seq"] for e in first["_embedded"]["tocsin:access_log_entries"]] == [1, 2]
    nxt = first["_links"]["next"]["href"]
    assert "after=2" in nxt
    second = requests.get(nxt, headers={"OSDI-API-Token": srv.orgs["A"]["api_key"]}, timeout=10).json()
    assert [e["seq"] for e in second["_embedded"]["tocsin:access_log_entries"]] == [3, 4]
    late = ca.ok("GET", "tocsin:access_log", params={"since": "2999-01-01T00:00:00Z"})
    assert late["_embedded"]["tocsin:access_log_entries"] == [] and "next" not in late["_links"]
    for bad in ({"limit": 0}, {"limit": 5000}, {"limit": "x"}, {"after": "-1"}, {"since": "yesterday"}):
        r = ca.get("tocsin:access_log", params=bad)
        assert r.status_code == 400 and "error" in r.json(), (bad, r.text)
    assert ca.post("tocsin:access_log", json={}).status_code == 405
    assert srv.client(None).get("tocsin:access_log").status_code in (401, 403)


def test_the_log_refuses_changes(srv):
    ca = srv.client(srv.orgs["A"]["api_key"])
    pid = an_id(ca.signup(email="one@example.org"))
    ca.person(pid)
    settled(srv, srv.orgs["A"]["org_id"], 1)
    for sql in ("UPDATE access_log SET actor = 'nobody'", "DELETE FROM access_log"):
        db = srv.db(write=True)
        with pytest.raises(Exception, match=re.compile("append-only")):
            db.execute(sql)
            db.commit()
        db.close()
    entries = audit(srv, "--org", srv.orgs["A"]["org_id"])
    assert len(entries) == 1 and entries[0]["actor"].startswith("api_key:")
