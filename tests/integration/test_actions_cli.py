"""`tocsin actions create` (read-only kinds such as queries and wrappers are created this way) and
persistence of actions, records and counters across a restart."""
import datetime
import json

import pytest

from tocsin_server import TocsinServer, an_id, unique_email


@pytest.fixture()
def srv(tmp_path):
    s = TocsinServer(tmp_path / "data")
    yield s
    s.stop()


def create(srv, org_id, kind, doc, check=True):
    return srv.cli("actions", "create", "--data", srv.data_dir, "--org", org_id, "--kind", kind,
                   "--json", json.dumps(doc), check=check)


def test_cli_creates_read_only_kinds_scoped_to_one_org(srv):
    a = srv.init("A")
    b = srv.create_org("B")
    q = srv.json_line(create(srv, a["org_id"], "queries", {"name": "Donors", "browser_url": "https://x/q"}).stdout)
    w = srv.json_line(create(srv, a["org_id"], "wrappers", {"name": "Default", "header": "<p>hi</p>",
                                                            "wrapper_type": "email", "default": True}).stdout)
    assert q["kind"] == "queries" and w["kind"] == "wrappers"
    bad = create(srv, a["org_id"], "nonsense", {}, check=False)
    assert bad.returncode != 0 and "kind" in bad.stderr
    assert create(srv, "no-such-org", "queries", {"name": "x"}, check=False).returncode != 0
    not_object = srv.cli("actions", "create", "--data", srv.data_dir, "--org", a["org_id"], "--kind", "queries",
                         "--json", "[1]", check=False)
    assert not_object.returncode != 0 and "object" in not_object.stderr
    srv.write_config()
    srv.start()
    ca, cb = srv.client(a["api_key"]), srv.client(b["api_key"])
    got = ca.ok("GET", f"queries/{q['id']}")
    assert got["name"] == "Donors" and got["browser_url"] == "https://x/q"
    assert ca.ok("GET", f"wrappers/{w['id']}")["default"] is True
    assert cb.get(f"queries/{q['id']}").status_code == 404
    assert cb.ok("GET", "queries")["total_records"] == 0
    # While serving, the data directory is locked: the CLI refuses instead of forking state.
    busy = create(srv, a["org_id"], "queries", {"name": "late"}, check=False)
    assert busy.returncode != 0


def test_actions_records_and_counters_survive_restart(srv):
    a = srv.init("A")
    srv.write_config()
    srv.start()
    c = srv.client(a["api_key"])
    pid = an_id(c.ok("POST", "petitions", json={"title": "Durable", "tocsin:disclosure": "v1 text"}))
    c.ok("PUT", f"petitions/{pid}", json={"tocsin:disclosure": "v2 text"})
    email = unique_email("durable")
    for comment in ("first", "second"):
        c.ok("POST", f"petitions/{pid}/signatures",
             json={"person": {"email_addresses": [{"address": email}]}, "comments": comment})
    c.ok("POST", f"petitions/{pid}/signatures", json={"person": {"email_addresses": [{"address": unique_email("d")}]}})
    fid = an_id(c.ok("POST", "fundraising_pages", json={"title": "Fund"}))
    c.ok("POST", f"fundraising_pages/{fid}/donations",
         json={"person": {"email_addresses": [{"address": email}]}, "amount": "7.25"})
    before = (c.ok("GET", f"petitions/{pid}"), c.ok("GET", f"petitions/{pid}/signatures"),
              c.ok("GET", f"fundraising_pages/{fid}"))
    srv.restart()
    after = (c.ok("GET", f"petitions/{pid}"), c.ok("GET", f"petitions/{pid}/signatures"),
             c.ok("GET", f"fundraising_pages/{fid}"))
    assert after == before
    assert after[0]["total_signatures"] == 2 and after[0]["tocsin:disclosure_version"] == 2
    assert after[2]["total_amount"] == "7.25"
    # dedup still holds after the reload
    c.ok("POST", f"petitions/{pid}/signatures", json={"person": {"email_addresses": [{"address": email}]}})
    assert c.ok("GET", f"petitions/{pid}")["total_signatures"] == 2


def test_gdpr_organization_refuses_under_sixteen(srv):
    """`org create --gdpr` marks the organization; its supporters must be 16, others' 13."""
    a = srv.init("A")
    b = srv.create_org("EU", "--gdpr")
    with srv.db() as db:
        flags = dict(db.execute("SELECT id, gdpr FROM orgs"))
    assert flags == {a["org_id"]: 0, b["org_id"]: 1}
    srv.write_config()
    srv.start()
    fifteen = f"{datetime.date.today().year - 15}-01-01"
    for org, expect in ((a, 200), (b, 422)):
        c = srv.client(org["api_key"])
        pid = an_id(c.ok("POST", "petitions", json={"title": "teens"}))
        email = unique_email("teen")
        r = c.post(f"petitions/{pid}/signatures",
                   json={"person": {"email_addresses": [{"address": email}], "birthdate": fifteen}})
        assert r.status_code == expect, r.text
        found = c.ok("GET", "people", params={"filter": f"email_address eq '{email}'"})["_embedded"]["osdi:people"]
        assert len(found) == (1 if expect == 200 else 0)
