"""Migration 6 (issue 10, item 1): a data directory written while email matching was case-sensitive — two
people for Jane.Doe@ and jane.doe@, one of them unsubscribed, a respelled address alone, suppressions and
soft bounces under the old hashes — is re-keyed and merged when the new binary opens it: one person (Action
Network's merge: the oldest survives, later fields and mobile overwrite, tags move), the unsubscribe wins,
the merge is in the ledger, `tocsin ledger verify` passes and the evidence by any spelling shows the whole
history.

The old shape is made from a current data directory by writing what the old binary wrote: person documents,
contact points and ledger entries keyed by the hash of the address exactly as typed (keyed BLAKE2b, as
core/contact_point.h documents), the ledger's hash chain recomputed (consent/ledger_entry.cc), and the
schema set back to version 5."""
import hashlib
import json
import sqlite3

from fixtures.postgres import sqlite_only
from tocsin_server import TocsinServer, an_id

STATUS_NAMES = {0: "unsubscribed", 1: "subscribed", 2: "unsubscribed", 3: "bouncing", 4: "previous bounce",
                5: "spam complaint", 6: "previous spam complaint"}


def sha256_hex(b: bytes) -> str:
    return hashlib.sha256(b).hexdigest()


def digest(s: str) -> str:
    return sha256_hex(s.encode()) if s else ""


def chain_hash(row: dict, prev: str) -> str:
    """consent/ledger_entry.cc chain_hash: length-prefixed fields."""
    fields = ["tocsin-ledger-v1", prev, row["org_id"], str(row["seq"]), str(row["time"]),
              "email" if row["channel"] == 0 else "sms", row["contact_hash"].hex(), row["ref_digest"],
              row["person_id"], STATUS_NAMES[row["old_status"]], str(row["old_status"]),
              STATUS_NAMES[row["new_status"]], str(row["new_status"]), row["actor"], row["source"], row["method"],
              row["ip_digest"], row["ua_digest"], row["disclosure_hash"], str(row["consent_time"])]
    out = b"".join(f"{len(f.encode())}:".encode() + f.encode() + b";" for f in fields)
    return sha256_hex(out)

pytestmark = sqlite_only("builds an SQLite file of the schema before migration 6; a PostgreSQL schema starts "
                         "at version 6")


LATEST_VERSION = 13  # the binary's newest migration (store/migrations/sqlite_migrations.cc)


class OldShape:
    """Rewrites a stopped data directory into what the case-sensitive binary (schema version 5) wrote."""

    def __init__(self, srv: TocsinServer):
        self.key = (srv.data_dir / "contact.key").read_bytes()
        self.con = sqlite3.connect(srv.db_path)
        self.con.row_factory = sqlite3.Row

    def old_hash(self, address: str) -> bytes:
        return hashlib.blake2b(b"\x00" + address.encode(), digest_size=32, key=self.key).digest()

    def respell(self, person_id: str, typed: str):
        """The person's email becomes `typed`, keyed as the old binary keyed it, in people, contact points and
        the ledger."""
        (doc,) = self.con.execute("SELECT doc FROM people WHERE id = ?", (person_id,)).fetchone()
        doc = json.loads(doc)
        doc["e"] = typed
        self.con.execute("UPDATE people SET doc = ? WHERE id = ?", (json.dumps(doc), person_id))
        h = self.old_hash(typed)
        self.con.execute("UPDATE contact_points SET hash = ? WHERE channel = 0 AND person_id = ?", (h, person_id))
        self.con.execute("UPDATE ledger SET contact_hash = ?, contact_ref = ?, ref_digest = ? "
                         "WHERE channel = 0 AND person_id = ?", (h, typed, digest(typed), person_id))
        return h

    def __enter__(self):
        (self.trigger,) = self.con.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'ledger_no_update'").fetchone()
        self.con.execute("DROP TRIGGER ledger_no_update")
        return self

    def __exit__(self, *exc):
        prev = {}
        for row in self.con.execute("SELECT * FROM ledger ORDER BY org_id, seq").fetchall():
            row = dict(row)
            h = chain_hash(row, prev.get(row["org_id"], "0" * 64))
            self.con.execute("UPDATE ledger SET prev_hash = ?, hash = ? WHERE org_id = ? AND seq = ?",
                             (prev.get(row["org_id"], "0" * 64), h, row["org_id"], row["seq"]))
            prev[row["org_id"]] = h
        self.con.execute(self.trigger)
        self.con.execute("DELETE FROM schema_migrations WHERE version >= 6")
        self.con.execute("DROP TABLE contact_aliases")
        # Later migrations' tables go too: the binary re-applies every migration after 5.
        self.con.execute("DROP TABLE access_log")  # migration 7
        self.con.execute("DROP TABLE access_log_people")
        self.con.execute("DROP TABLE data_keys")  # migration 8 (the old binary had no encryption at rest)
        self.con.execute("DROP TRIGGER ledger_no_update_scope")  # migration 9 (purposes and legal bases)
        self.con.execute("ALTER TABLE ledger DROP COLUMN purpose")
        self.con.execute("ALTER TABLE ledger DROP COLUMN legal_basis")
        self.con.execute("DROP TABLE delivery_counts")  # migration 11 (retention's aggregated deliveries)
        for trigger in ("delivery_hours_insert", "delivery_hours_update", "delivery_hours_soft_bounce"):
            self.con.execute(f"DROP TRIGGER {trigger}")  # migration 12 (statistics over time)
        self.con.execute("DROP TABLE delivery_hours")
        self.con.execute("DROP TABLE commit_markers")  # migration 13 (the PostgreSQL writer's commit markers)
        self.con.commit()
        self.con.close()


def test_migration_6_merges_case_variants_and_the_unsubscribe_wins(tmp_path):
    srv = TocsinServer(tmp_path / "data")
    org = srv.init("A", "--unencrypted")  # the old binary stored values as they are
    org_id = org["org_id"]
    srv.write_config()
    try:
        srv.start()
        c = srv.client(org["api_key"])
        for name in ("early", "late"):
            c.ok("POST", "tags", json={"name": name})
        jane = c.signup("jane.doe@example.org", email_status="subscribed", given="Jane", tags=["early"])
        twin = c.signup("twin@example.org", email_status="subscribed", family="Doe", phone="12025550143",
                        tags=["late", "early"])
        c.ok("PUT", f"people/{an_id(twin)}", json={"email_addresses": [{"status": "unsubscribed"}]})
        solo = c.signup("solo@example.org", email_status="subscribed")
        plain = c.signup("plain@example.org", email_status="subscribed")
        srv.stop()
        # The same state as the old binary kept it: the twin is "Jane.Doe@example.org", a second person.
        with OldShape(srv) as old:
            twin_hash = old.respell(an_id(twin), "Jane.Doe@example.org")
            solo_hash = old.respell(an_id(solo), "Solo@example.org")
            old.con.execute("INSERT INTO suppressions (org_id, channel, contact_hash, since, reason, confirmed) "
                            "VALUES (?, 0, ?, 1, 'unsubscribed', 1)", (org_id, twin_hash))
            old.con.execute("INSERT INTO soft_bounces (org_id, channel, contact_hash, message_id, seq, at, status) "
                            "VALUES (?, 0, ?, 'm1', 0, 1, '4.2.2')", (org_id, solo_hash))

        srv.start()  # migration 6 runs here
        people = c.people_snapshot()
        assert set(people) == {an_id(jane), an_id(solo), an_id(plain)}, "the later twin merged into the oldest"
        merged = people[an_id(jane)]
        assert merged["email_addresses"][0]["address"] == "jane.doe@example.org"
        assert merged["email_addresses"][0]["status"] == "unsubscribed", "the unsubscribe on a variant wins"
        assert merged["given_name"] == "Jane" and merged["family_name"] == "Doe"
        assert merged["phone_numbers"][0]["number"] == "12025550143"
        for spelling in ("Jane.Doe@example.org", "JANE.DOE@EXAMPLE.ORG"):
            found = c.ok("GET", "people", params={"filter": f"email eq '{spelling}'"})["_embedded"]["osdi:people"]
            assert [an_id(p) for p in found] == [an_id(jane)]
        tags = {t["name"]: t for t in c.all_pages("tags", "osdi:tags")}
        for name in ("early", "late"):
            taggings = c.all_pages(f"tags/{an_id(tags[name])}/taggings", "osdi:taggings")
            people_tagged = [t["_links"]["osdi:person"]["href"].rsplit("/", 1)[1] for t in taggings]
            assert people_tagged == [an_id(jane)], (name, people_tagged)
        assert people[an_id(solo)]["email_addresses"][0]["address"] == "Solo@example.org"
        assert people[an_id(solo)]["email_addresses"][0]["status"] == "subscribed"
        found = c.ok("GET", "people", params={"filter": "email eq 'solo@example.org'"})["_embedded"]["osdi:people"]
        assert [an_id(p) for p in found] == [an_id(solo)]
        # Signing up again in any spelling finds the merged person and does not re-subscribe it.
        again = c.signup("JANE.doe@example.org")
        assert an_id(again) == an_id(jane)
        assert c.person(an_id(jane))["email_addresses"][0]["status"] == "unsubscribed"
        migrated = c.people_snapshot()

        proof = c.ok("GET", f"people/{an_id(jane)}/consent")
        assert proof["chain_verified"] is True
        (email_point,) = [p for p in proof["contact_points"] if p["channel"] == "email"]
        entries = email_point["entries"]
        assert [e["new_status"] for e in entries] == ["subscribed", "subscribed", "unsubscribed", "unsubscribed"]
        assert {e["person_id"] for e in entries[:3]} == {an_id(jane), an_id(twin)}, "both histories"
        assert "migration 6" in entries[-1]["method"] and an_id(twin) in entries[-1]["source"], entries[-1]
        srv.stop()

        r = srv.cli("ledger", "verify", "--data", srv.data_dir, check=False)
        assert r.returncode == 0 and r.stdout.lstrip().startswith("ok"), r.stdout + r.stderr
        for spelling in ("Jane.Doe@example.org", "jane.doe@example.org"):
            out = json.loads(srv.cli("evidence", "--data", srv.data_dir, "--org", org_id, spelling).stdout)
            point = out.get("contact_point", out)
            assert point["status"] == "unsubscribed" and len(point["entries"]) == 4, point
        out = json.loads(srv.cli("evidence", "--data", srv.data_dir, "--org", org_id, "SOLO@example.org").stdout)
        point = out.get("contact_point", out)
        assert point["status"] == "subscribed" and point["entries"][0]["new_status"] == "subscribed", point

        con = sqlite3.connect(srv.db_path)
        try:
            canonical = OldShape.__new__(OldShape)
            canonical.key = (srv.data_dir / "contact.key").read_bytes()
            assert con.execute("SELECT contact_hash FROM suppressions WHERE org_id = ?", (org_id,)).fetchall() == \
                [(canonical.old_hash("jane.doe@example.org"),)]
            assert con.execute("SELECT contact_hash FROM soft_bounces WHERE org_id = ?", (org_id,)).fetchall() == \
                [(canonical.old_hash("solo@example.org"),)]
            assert con.execute("SELECT max(version) FROM schema_migrations").fetchone() == (LATEST_VERSION,)
        finally:
            con.close()

        srv.start()  # the state rebuilt from the store alone is the same; the migration does not run again
        assert c.people_snapshot() == migrated
    finally:
        srv.stop()
