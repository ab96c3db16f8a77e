"""Everything acknowledged survives a restart; the ledger stays verifiable after concurrent writes."""
import uuid
from concurrent.futures import ThreadPoolExecutor

from tocsin_server import TEST_ATTESTATION, TocsinServer, an_id, unique_email, unique_phone


def test_data_survives_restart_and_ledger_verifies(tmp_path):
    srv = TocsinServer(tmp_path / "data")
    try:
        a = srv.init("A")
        b = srv.create_org("B")
        srv.write_config()
        srv.start()
        ca = srv.client(a["api_key"])
        cb = srv.client(b["api_key"])

        def signup(i):
            c = srv.client(a["api_key"] if i % 3 else b["api_key"])
            r = c.post("people", json={"person": {"email_addresses": [{"address": unique_email(f"persist{i}")}],
                                                  "phone_numbers": [{"number": unique_phone(),
                                                                     "status": "subscribed"}]},
                                       "tocsin:consent": TEST_ATTESTATION})
            assert r.status_code == 200, r.text
            return r.json()

        with ThreadPoolExecutor(max_workers=12) as ex:
            people = list(ex.map(signup, range(60)))
        p = people[1]
        pid = an_id(p)
        tag = ca.ok("POST", "tags", json={"name": "persist-" + uuid.uuid4().hex[:6]})
        tg = ca.ok("POST", f"tags/{an_id(tag)}/taggings",
                   json={"_links": {"osdi:person": {"href": f"{srv.api}/people/{pid}"}}})
        ca.ok("PUT", f"people/{pid}", json={"email_addresses": [{"status": "unsubscribed"}], "given_name": "Kept"})
        bg_email = unique_email("persistbg")
        r = ca.post("people", params={"background_request": "true"},
                    json={"person": {"email_addresses": [{"address": bg_email}]}})
        assert r.json() == {}
        before_a = ca.people_snapshot()
        before_b = cb.people_snapshot()
        consent_before = ca.ok("GET", f"people/{pid}/consent")

        srv.stop()
        r = srv.cli("ledger", "verify", "--data", srv.data_dir, check=False)
        assert r.returncode == 0 and r.stdout.lstrip().startswith("ok"), r.stdout + r.stderr
        srv.start()

        assert ca.people_snapshot() == before_a
        assert cb.people_snapshot() == before_b
        assert len(before_a) + len(before_b) == 61
        assert ca.person(pid)["given_name"] == "Kept"
        assert ca.ok("GET", "people", params={"filter": f"email eq '{bg_email}'"})["_embedded"]["osdi:people"]
        assert ca.ok("GET", f"tags/{an_id(tag)}/taggings/{an_id(tg)}")["identifiers"] == tg["identifiers"]
        assert ca.ok("GET", f"people/{pid}/consent") == consent_before
        # the chain continues correctly after a restart
        ca.ok("PUT", f"people/{pid}", json={"email_addresses": [{"status": "subscribed"}]})
        assert ca.ok("GET", f"people/{pid}/consent")["chain_verified"] is True
        srv.stop()
        r = srv.cli("ledger", "verify", "--data", srv.data_dir, check=False)
        assert r.returncode == 0, r.stdout + r.stderr
    finally:
        srv.stop()


def test_second_server_on_same_data_dir_refused(tmp_path):
    srv = TocsinServer(tmp_path / "data")
    other = TocsinServer(tmp_path / "data")
    try:
        srv.init("A")
        srv.write_config()
        srv.start()
        other.port = srv.port + 1 if srv.port < 65000 else srv.port - 1
        import subprocess
        try:
            r = subprocess.run([other.binary, "serve", "--data", str(other.data_dir), "--listen",
                                f"127.0.0.1:{other.port}"], capture_output=True, text=True, timeout=10,
                               env=srv.proc_env)
        except subprocess.TimeoutExpired:
            raise AssertionError("a second `serve` on the same data directory kept running (no exclusive lock)")
        assert r.returncode != 0, "a second `serve` on a locked data directory must refuse to start"
        assert srv.client(srv.orgs["A"]["api_key"]).get("people").status_code == 200
    finally:
        srv.stop()
