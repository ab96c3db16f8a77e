"""Erasure (privacy/erasure.h, docs/PRIVACY.md): fulfilling an erasure request removes the subject's data from
every table and, on SQLite, from the bytes of the database file and its WAL; keeps the keyed-hash stub so a
later signup or import arrives unsubscribed and the gate refuses the address (erased_contact); keeps the ledger
verifiable and the message's counts; touches nothing of another organization."""
import json

from test_blast import create_message, setup_server, wait_status
from test_privacy_requests import fulfil, new_request, second_org
from tocsin_server import an_id

EMAIL = "Zeb.Quixotefield@Example.net"
PHONE = "+12025550143"
# Strings only the subject's data holds; after erasure none may be left anywhere in the database.
SECRETS = ["zeb.quixotefield@example.net", "Zeb.Quixotefield", "Marchbanks-Ortolan", "Zebulon", "2025550143",
           "XL-unique-shirt", "my-secret-comment", "UniqueAgent/9.9", "77 Sunflower Lane"]
TABLES = ["people", "contact_points", "ledger", "taggings", "list_items", "action_records", "org_docs",
          "suppressions", "deliveries", "doc_changes", "disclosures"]


def dump(srv) -> str:
    """Every row of every table, as text (bytes and JSON alike), whatever the backend; sealed values opened
    (encryption at rest), so what is checked is the data itself, not its ciphertext."""
    db = srv.db()
    try:
        return "\n".join(f"{t}: {[tuple(srv.unseal(v) for v in row) for row in db.execute(f'SELECT * FROM {t}')]}"
                         for t in TABLES)
    finally:
        db.close()


def leftovers(text: str) -> list[str]:
    low = text.lower()
    found = [s for s in SECRETS if s.lower() in low]
    for s in found:  # where, for the failure message
        i = low.find(s.lower())
        print(f"{s!r} found in: ...{text[max(0, i - 300):i + 100]!r}")
    return found


def file_leftovers(srv) -> dict:
    """The secrets found in the raw bytes of the SQLite file and its WAL (case-insensitive)."""
    out = {}
    for suffix in ("", "-wal"):
        path = srv.db_path.with_name(srv.db_path.name + suffix)
        if path.exists():
            found = leftovers(path.read_bytes().decode("latin-1"))
            if found:
                out[path.name] = found
    return out


def test_erasure_removes_the_subject_and_keeps_the_promise(tmp_path, smtp_sink, local_dns):
    # Without encryption at rest, so the check of the database files' bytes below is about erasure itself:
    # sealed values would hide the subject's strings whether erased or not (test_encryption_at_rest.py).
    srv, org, c, sink, _dns, tag = setup_server(tmp_path, smtp_sink, local_dns, people=2,
                                                init_flags=("--unencrypted",))
    with srv:
        _org_b, cb = second_org(srv)
        pet = an_id(c.ok("POST", "petitions", json={"title": "Clean Air", "tocsin:disclosure": "Yes, email me"}))
        r = c.post(f"petitions/{pet}/signatures", headers={"User-Agent": "UniqueAgent/9.9"},
                   json={"person": {"email_addresses": [{"address": EMAIL, "status": "subscribed"}],
                                    "phone_numbers": [{"number": PHONE}],
                                    "given_name": "Zebulon", "family_name": "Marchbanks-Ortolan",
                                    "postal_addresses": [{"address_lines": ["77 Sunflower Lane"],
                                                          "postal_code": "62701"}],
                                    "custom_fields": {"shirt": "XL-unique-shirt"}},
                         "comments": "my-secret-comment", "add_tags": ["volunteers"]})
        assert r.status_code == 200, r.text
        person_id = r.json()["_links"]["osdi:person"]["href"].rsplit("/", 1)[1]
        assert c.get(f"petitions/{pet}").json()["total_signatures"] == 1
        # The same address in organization B: its own supporter, untouched by A's erasure.
        cb.ok("POST", "people", json={"person": {"email_addresses": [{"address": EMAIL, "status": "subscribed"}],
                                                 "given_name": "Zebulon"}})
        # A blast reaches the subject, so deliveries hold the address.
        mid = create_message(c, tag)
        assert c.post(f"messages/{mid}/send", json={}).status_code == 200
        sent = wait_status(c, mid, "sent")
        assert sent["statistics"]["sent"] == 3, sent["statistics"]
        earlier = new_request(c, "access", EMAIL)

        erasure = new_request(c, "erasure", EMAIL)
        r = fulfil(c, erasure["id"])
        assert r.status_code == 200, r.text
        done = r.json()
        assert done["state"] == "done" and done["subject"].startswith("email:erased-"), done
        assert any("erased 1 person(s) and 2 contact point(s)" in a["event"] for a in done["audit"]), done["audit"]
        assert c.get(f"tocsin:privacy_requests/{earlier['id']}").json()["subject"].startswith("email:erased-")

        # Gone from the API; the counts that remain are aggregates.
        assert c.get(f"people/{person_id}").status_code == 404
        emails = {e["address"] for p in c.get("people").json()["_embedded"]["osdi:people"]
                  for e in p["email_addresses"]}
        assert EMAIL.lower() not in {e.lower() for e in emails}
        assert c.get(f"petitions/{pet}").json()["total_signatures"] == 0
        assert c.get(f"messages/{mid}").json()["statistics"]["sent"] == 3
        # B's supporter with the same address is still there, subscribed.
        b_people = cb.get("people").json()["_embedded"]["osdi:people"]
        assert [p["given_name"] for p in b_people] == ["Zebulon"]
        assert b_people[0]["email_addresses"][0]["status"] == "subscribed"

        # Nothing of the subject in any row of A (B's row holds the address and the given name).
        text = dump(srv)
        assert text.count("Zebulon") == 1, "only B's person keeps the name"
        assert [s for s in leftovers(text) if s not in ("zeb.quixotefield@example.net", "Zeb.Quixotefield",
                                                        "Zebulon")] == []
        assert srv.cli("ledger", "verify", "--data", srv.data_dir).returncode == 0

        # The stub: a later signup (keyless) and a keyed write both arrive unsubscribed, and the gate refuses.
        again = c.post(f"petitions/{pet}/signatures",
                       json={"person": {"email_addresses": [{"address": EMAIL, "status": "subscribed"}]}})
        assert again.status_code == 200, again.text
        keyed = c.post("people", json={"person": {"email_addresses": [{"address": EMAIL, "status": "subscribed"}],
                                                  "phone_numbers": [{"number": PHONE, "status": "subscribed"}]},
                                       "tocsin:consent": {"source": "paper form", "method": "signed sheet"}})
        assert keyed.status_code == 200, keyed.text
        body = keyed.json()
        assert body["email_addresses"][0]["status"] == "unsubscribed", body
        assert any("erased at its owner's request" in n for n in body.get("tocsin:notices", [])), body
        assert c.post("people", json={"person": {"email_addresses": [{"address": EMAIL}]},
                                      "add_tags": ["volunteers"]}).status_code == 200
        pre = c.get(f"messages/{create_message(c, tag)}/tocsin:preflight").json()
        assert pre["excluded_by_reason"] == {"erased_contact": 1, "not_subscribed": 1}, pre

        # B erases its supporter too: now no row anywhere holds any of it, and (SQLite) no byte of the files.
        b_erasure = new_request(cb, "erasure", EMAIL)
        assert fulfil(cb, b_erasure["id"]).status_code == 200
        # The re-signups above left a new, bare person in A with the address: erase it as well.
        assert fulfil(c, new_request(c, "erasure", EMAIL)["id"]).status_code == 200
        assert leftovers(dump(srv)) == []
        if srv.backend == "sqlite":
            assert file_leftovers(srv) == {}, "erased bytes remain in the database files"
        else:  # PostgreSQL: the maintenance rewrite runs beside the server (docs/PRIVACY.md)
            out = srv.cli("privacy", "scrub", "--data", srv.data_dir)
            assert json.loads(out.stdout)["scrubbed"] is True
        assert srv.cli("ledger", "verify", "--data", srv.data_dir).returncode == 0
