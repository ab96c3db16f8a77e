"""Encryption at rest (store/sealing/, docs/PRIVACY.md "Keys"): a plain `tocsin init` makes an encrypted
installation whose key-encryption key lives beside the data directory (DIR.kek, 0600). The database's own
bytes (SQLite: the file and its WAL; PostgreSQL: the cluster's files after a checkpoint) never hold a
supporter's email, phone, name, street, comment or IP address; a copy without the key file opens nothing;
`tocsin keys rotate` re-seals everything under a new data key while the server takes signups; a new
key-encryption key re-wraps the data keys; and an installation made without encryption is encrypted in place.
Values are also decrypted here by the test itself (fixtures/sealed_values.py), proving the documented format."""
import json
import os
import shutil
import stat
import subprocess
import threading
import time

import pytest

from fixtures.postgres import backend, psql, shared_cluster, sqlite_only
from tocsin_server import TocsinServer, an_id, unique_email, unique_phone

GIVEN, FAMILY, STREET, COMMENT = "Philippa", "Quarrington", "4417 Wisteria Lane", "my neighbours all agree"
CLIENT_IP = "203.0.113.77"


def supporter_data(srv, key):
    """Signs up a person with every kind of personal data and a petition signature with a comment; returns
    the strings that must never appear in the database's bytes."""
    c = srv.client(key)
    email, phone = unique_email("sealed"), unique_phone()
    person = c.signup(email, phone, given=GIVEN, family=FAMILY, email_status="subscribed",
                      person_extra={"postal_addresses": [{"address_lines": [STREET], "locality": "Springfield",
                                                          "postal_code": "97477", "region": "OR"}],
                                    "custom_fields": {"employer": "Quarrington Widgets"}},
                      params=None)
    pid = an_id(c.ok("POST", "petitions", json={"title": "Sealed petition"}))
    c.ok("POST", f"petitions/{pid}/signatures",
         json={"person": {"email_addresses": [{"address": email}]}, "comments": COMMENT},
         headers={"X-Forwarded-For": CLIENT_IP})
    return an_id(person), email, phone, [email, phone[1:], FAMILY, STREET, COMMENT, "Quarrington Widgets"]


def database_bytes(srv) -> bytes:
    """Every byte the database keeps on disk: SQLite's file and WAL, or the PostgreSQL cluster's files after a
    checkpoint (each test has a database of its own, and the searched strings are unique to it)."""
    if srv.backend == "postgresql":
        cluster = shared_cluster()
        if cluster.data is None:
            pytest.skip("the PostgreSQL cluster's data directory is not known (run under with_postgres.py)")
        psql(cluster.admin_url, "CHECKPOINT")
        root = cluster.data
    else:
        root = srv.data_dir
    out = []
    for dirpath, _, files in os.walk(root):
        for f in files:
            p = os.path.join(dirpath, f)
            if srv.backend == "sqlite" and not f.startswith("tocsin.db"):
                continue
            try:
                with open(p, "rb") as fh:
                    out.append(fh.read())
            except OSError:
                pass  # a file PostgreSQL removed meanwhile
    return b"\n".join(out)


def assert_absent(data: bytes, needles):
    for n in needles:
        assert n.encode() not in data, f"{n!r} is stored in plaintext"


def keys(srv, *args):
    return srv.json_line(srv.cli("keys", *args, "--data", srv.data_dir).stdout)


def test_a_new_installation_stores_no_supporter_data_in_plaintext(tmp_path):
    srv = TocsinServer(tmp_path / "data")
    a = srv.init("A")
    assert srv.kek_path.exists() and not str(srv.kek_path).startswith(str(srv.data_dir) + os.sep)
    assert stat.S_IMODE(srv.kek_path.stat().st_mode) == 0o600
    srv.write_config(server={"trusted_proxy_header": "X-Forwarded-For"})
    with srv.start():
        person_id, email, phone, needles = supporter_data(srv, a["api_key"])
        # Written and read back through the sealed columns, also after a restart (load at start).
        srv.restart()
        p = srv.client(a["api_key"]).person(person_id)
        assert p["email_addresses"][0]["address"] == email and p["family_name"] == FAMILY
        assert p["postal_addresses"][0]["address_lines"] == [STREET]
        assert_absent(database_bytes(srv), needles + [CLIENT_IP])
    assert "ok org" in srv.cli("ledger", "verify", "--data", srv.data_dir).stdout

    # The test opens the values itself, with the key-encryption key, from the documented format.
    db = srv.db()
    try:
        (doc,) = db.execute("SELECT doc FROM people WHERE id = ?", (person_id,)).fetchone()
        ips = [r[0] for r in db.execute("SELECT ip FROM ledger WHERE person_id = ?", (person_id,)).fetchall()]
    finally:
        db.close()
    assert doc.startswith("tq1:1:")
    assert FAMILY in json.dumps(json.loads(srv.unseal(doc, "people.doc")))
    assert CLIENT_IP in [srv.unseal(ip, "ledger.ip") for ip in ips if ip]
    with pytest.raises(Exception):  # bound to its column: not readable as another column's value
        srv.unseal(doc, "org_docs.doc")

    status = keys(srv, "status")
    assert status["encrypted"] and status["current_key"] == 1
    assert all(t["stale"] == 0 for t in status["tables"].values()), status


def test_without_the_key_file_nothing_opens(tmp_path):
    srv = TocsinServer(tmp_path / "data")
    a = srv.init("A")
    srv.write_config()
    with srv.start():
        supporter_data(srv, a["api_key"])
    moved = tmp_path / "elsewhere.kek"
    shutil.move(srv.kek_path, moved)
    r = srv.cli("export", "--data", srv.data_dir, "--org", a["org_id"], check=False)
    assert r.returncode != 0 and "key-encryption key" in r.stderr, r.stderr
    # A wrong key is refused as such, not read as garbage.
    wrong = tmp_path / "wrong.kek"
    wrong.write_text(os.urandom(32).hex() + "\n")
    r = subprocess.run([srv.binary, "export", "--data", str(srv.data_dir), "--org", a["org_id"]],
                       capture_output=True, text=True, env={**srv.proc_env, "TOCSIN_KEK_FILE": str(wrong)})
    assert r.returncode != 0 and "not this installation's key-encryption key" in r.stderr, r.stderr
    # The right key named by TOCSIN_KEK_FILE opens it.
    r = subprocess.run([srv.binary, "export", "--data", str(srv.data_dir), "--org", a["org_id"]],
                       capture_output=True, text=True, env={**srv.proc_env, "TOCSIN_KEK_FILE": str(moved)})
    assert r.returncode == 0 and FAMILY in r.stdout, r.stderr


@sqlite_only("copies the SQLite file")
def test_a_copied_database_file_reveals_nothing(tmp_path):
    srv = TocsinServer(tmp_path / "data")
    a = srv.init("A")
    srv.write_config()
    with srv.start():
        _, _, _, needles = supporter_data(srv, a["api_key"])
    copy = tmp_path / "stolen"
    copy.mkdir()
    shutil.copy(srv.db_path, copy / "tocsin.db")
    data = (copy / "tocsin.db").read_bytes()
    assert_absent(data, needles)
    strings = subprocess.run(["strings", "-n", "6", str(copy / "tocsin.db")], capture_output=True, text=True).stdout
    assert not any(n in strings for n in needles)


def test_rotation_reseals_everything_while_signups_continue(tmp_path):
    srv = TocsinServer(tmp_path / "data")
    a = srv.init("A")
    srv.write_config()
    with srv.start():
        c = srv.client(a["api_key"])
        for _ in range(30):
            c.signup(unique_email("before"), given=GIVEN, family=FAMILY, email_status="subscribed")
        stop, written, errors = threading.Event(), [], []

        def sign_up_meanwhile():
            cc = srv.client(a["api_key"])
            while not stop.is_set():
                e = unique_email("during")
                r = cc.post("people", json={"person": {"email_addresses": [{"address": e, "status": "subscribed"}],
                                                       "family_name": FAMILY}})
                (written if r.status_code == 200 else errors).append((e, r.status_code))

        t = threading.Thread(target=sign_up_meanwhile)
        t.start()
        try:
            rotated = keys(srv, "rotate", "--batch", "7")
        finally:
            stop.set()
            t.join()
        assert not errors, errors[:3]
        assert written, "no signup ran during the rotation"
        assert rotated["complete"] and rotated["current_key"] == 2 and rotated["resealed"] > 0, rotated
        # The server seals under the new key from now on, and every stored value opens.
        c.signup(unique_email("after"), family=FAMILY, email_status="subscribed")
        status = keys(srv, "status")
        assert status["current_key"] == 2 and [k["id"] for k in status["data_keys"]] == [1, 2]
        assert all(t["stale"] == 0 for t in status["tables"].values()), status
        db = srv.db()
        try:
            docs = [d for (d,) in db.execute("SELECT doc FROM people").fetchall()]
        finally:
            db.close()
        assert docs and all(d.startswith("tq1:2:") for d in docs)
        emails = {e for e, _ in written}
        people = c.all_pages("people", "osdi:people")
        got = {p["email_addresses"][0]["address"] for p in people}
        assert emails <= got and len(people) == 30 + len(written) + 1
        srv.restart()
        assert len(c.all_pages("people", "osdi:people")) == len(people)
    assert "ok org" in srv.cli("ledger", "verify", "--data", srv.data_dir).stdout


def test_a_new_key_encryption_key_rewraps_the_data_keys(tmp_path):
    srv = TocsinServer(tmp_path / "data")
    a = srv.init("A")
    srv.write_config()
    with srv.start():
        person_id, email, _, _ = supporter_data(srv, a["api_key"])
    new = tmp_path / "next.kek"
    out = keys(srv, "rotate", "--new-kek", new)
    assert out["rewrapped"] and new.exists() and stat.S_IMODE(new.stat().st_mode) == 0o600
    # The old key file no longer opens the installation; the new one does once it replaces it.
    r = srv.cli("export", "--data", srv.data_dir, "--org", a["org_id"], check=False)
    assert r.returncode != 0 and "not this installation's key-encryption key" in r.stderr
    shutil.move(new, srv.kek_path)
    with srv.start():
        assert srv.client(a["api_key"]).person(person_id)["email_addresses"][0]["address"] == email


def test_an_unencrypted_installation_is_encrypted_in_place(tmp_path):
    srv = TocsinServer(tmp_path / "data")
    a = srv.init("A", "--unencrypted")
    assert not srv.kek_path.exists()
    srv.write_config()
    with srv.start():
        person_id, email, _, needles = supporter_data(srv, a["api_key"])
        assert email.encode() in database_bytes(srv)
        # Encrypting needs every server stopped: this one holds the data directory.
        if srv.backend == "sqlite":
            r = srv.cli("keys", "rotate", "--data", srv.data_dir, check=False)
            assert r.returncode != 0 and "stop it" in r.stderr
    assert keys(srv, "status")["encrypted"] is False
    out = keys(srv, "rotate")
    assert out["complete"] and out["current_key"] == 1 and srv.kek_path.exists()
    if srv.backend == "sqlite":  # the file is rewritten (VACUUM); PostgreSQL's WAL keeps old rows until
        assert_absent(database_bytes(srv), needles)  # recycled (docs/PRIVACY.md), so only SQLite is checked
    with srv.start():
        assert srv.client(a["api_key"]).person(person_id)["family_name"] == FAMILY
    assert "ok org" in srv.cli("ledger", "verify", "--data", srv.data_dir).stdout
