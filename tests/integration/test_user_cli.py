"""`tocsin user create|reset|list` (issue #13): staff accounts of the console from the command line.

The password comes from standard input, never from the arguments; create prints the TOTP enrolment URI once;
the stored account holds an argon2id hash, not the password; reset revokes sessions (checked in the unit tests
and the browser test) and refuses unknown addresses; list shows an organization's team only."""
import json
import urllib.parse

import pytest

from tocsin_server import TocsinServer


@pytest.fixture()
def srv(tmp_path):
    s = TocsinServer(tmp_path / "data")
    s.init("A")
    s.create_org("B")
    yield s
    s.stop()


def create(srv, org, email, role, password="a long password", check=True):
    return srv.cli("user", "create", "--data", srv.data_dir, "--org", org, "--email", email, "--role", role,
                   input=password + "\n", check=check)


def members(srv, org):
    r = srv.cli("user", "list", "--data", srv.data_dir, "--org", org)
    return [json.loads(ln) for ln in r.stdout.splitlines() if ln.strip()]


def docs(srv, kind):
    db = srv.db()
    try:
        return [(o, i, srv.unseal(d, "org_docs.doc"))
                for o, i, d in db.execute("SELECT org_id, id, doc FROM org_docs WHERE kind = ?", (kind,)).fetchall()]
    finally:
        db.close()


def test_create_prints_enrolment_once_and_stores_only_a_hash(srv):
    a = srv.orgs["A"]["org_id"]
    out = srv.json_line(create(srv, a, "Owner@Example.org", "owner").stdout)
    assert out["email"] == "owner@example.org" and out["role"] == "owner" and out["created"] is True
    uri = urllib.parse.urlparse(out["totp_uri"])
    assert uri.scheme == "otpauth" and uri.netloc == "totp"
    q = urllib.parse.parse_qs(uri.query)
    assert len(q["secret"][0]) == 32 and q["digits"] == ["6"] and q["period"] == ["30"]
    accounts = docs(srv, "staff_account")
    assert len(accounts) == 1
    org_id, doc_id, doc = accounts[0]
    assert org_id == "" and doc_id == out["account_id"]
    assert "a long password" not in doc and json.loads(doc)["password_hash"].startswith("$argon2id$")
    assert "owner@example.org" not in doc_id  # the id is a keyed hash, not the address
    # the same address again (another case) only changes the role, and prints no new secret
    again = srv.json_line(create(srv, a, "OWNER@example.org", "admin").stdout)
    assert again["account_id"] == out["account_id"] and again["created"] is False and "totp_uri" not in again
    assert [m["role"] for m in members(srv, a)] == ["admin"]
    # the change was audited, with the CLI as actor
    audit = [json.loads(d) for (o, _, d) in docs(srv, "staff_audit") if o == a]
    assert [e["action"] for e in audit] == ["user.create", "user.role"]
    assert all(e["actor"].startswith("cli:") for e in audit)


def test_list_is_per_organization(srv):
    a, b = srv.orgs["A"]["org_id"], srv.orgs["B"]["org_id"]
    create(srv, a, "o@example.org", "owner")
    create(srv, a, "v@example.org", "viewer")
    create(srv, b, "x@example.org", "organizer")
    assert sorted((m["email"], m["role"]) for m in members(srv, a)) == [("o@example.org", "owner"),
                                                                      ("v@example.org", "viewer")]
    assert [(m["email"], m["role"]) for m in members(srv, b)] == [("x@example.org", "organizer")]


def test_bad_input_is_refused(srv):
    a = srv.orgs["A"]["org_id"]
    r = create(srv, a, "o@example.org", "root", check=False)
    assert r.returncode != 0 and "--role must be" in r.stderr
    r = create(srv, a, "o@example.org", "owner", password="short", check=False)
    assert r.returncode != 0 and "at least 12 characters" in r.stderr
    r = create(srv, "no-such-org", "o@example.org", "owner", check=False)
    assert r.returncode != 0 and "no organization" in r.stderr
    r = create(srv, a, "not an address", "owner", check=False)
    assert r.returncode != 0
    assert docs(srv, "staff_account") == []


def test_reset_changes_the_hash_and_refuses_unknown_addresses(srv):
    a = srv.orgs["A"]["org_id"]
    create(srv, a, "o@example.org", "owner")
    before = json.loads(docs(srv, "staff_account")[0][2])
    r = srv.cli("user", "reset", "--data", srv.data_dir, "--email", "o@example.org", input="a new long password\n")
    assert srv.json_line(r.stdout) == {"email": "o@example.org", "sessions_revoked": True}
    after = json.loads(docs(srv, "staff_account")[0][2])
    assert after["password_hash"] != before["password_hash"]
    assert after["sessions_valid_after"] > 0 and after["totp_secret"] == before["totp_secret"]
    r = srv.cli("user", "reset", "--data", srv.data_dir, "--email", "none@example.org", input="a new long password\n",
                check=False)
    assert r.returncode != 0 and "no staff account" in r.stderr


def test_operator_account_has_no_org_role(srv):
    r = srv.cli("user", "create", "--data", srv.data_dir, "--email", "ops@example.org", "--operator",
                input="a long operator password\n")
    out = srv.json_line(r.stdout)
    assert out["platform_operator"] is True and "org_id" not in out
    doc = json.loads(docs(srv, "staff_account")[0][2])
    assert doc["platform_operator"] is True and doc["roles"] == {}
