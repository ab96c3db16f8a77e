"""Consent-evidence requests (privacy/, docs/PRIVACY.md): the operator opens one with `tocsin complaint open`,
the organization sees it in GET /tocsin:evidence_requests and answers with a signed ZIP packet; the 24-hour
clock suspends messaging (gate reason `evidence_overdue`) once the deadline passes unanswered, and answering
lifts that suspension only. The packet's bytes are checked: Ed25519 signature (python3-nacl), manifest
hashes, every chained entry's hash recomputed, and nothing of another person or organization inside."""
import base64
import hashlib
import io
import json
import time
import zipfile

from nacl.signing import VerifyKey

from test_blast import create_message, setup_server

IP, UA = "127.0.0.1", "EvidenceTest/1.0"


def wait_for(predicate, what, timeout=15):
    deadline = time.monotonic() + timeout
    while not (value := predicate()):
        assert time.monotonic() < deadline, what
        time.sleep(0.2)
    return value


def open_complaint(srv, org_id, tmp_path, contacts=None, deadline="24h", **scope):
    args = ["complaint", "open", "--data", srv.data_dir, "--org", org_id, "--deadline", deadline]
    if contacts is not None:
        f = tmp_path / f"contacts-{time.monotonic_ns()}.txt"
        f.write_text("# carrier complaint 123\n" + "\n".join(contacts) + "\n")
        args += ["--contacts", f]
    for k, v in scope.items():
        args += [f"--{k}", v]
    return srv.json_line(srv.cli(*args).stdout)


def chain_hash(fields):
    return hashlib.sha256(b"".join(f"{len(x.encode())}:".encode() + x.encode() + b";" for x in fields)).hexdigest()


def check_packet(raw: bytes, public_key_b64: str | None = None):
    """Verifies a packet's signature, manifest and chain; returns (evidence, chain)."""
    z = zipfile.ZipFile(io.BytesIO(raw))
    assert sorted(z.namelist()) == ["chain.json", "evidence.json", "manifest.json", "signature.json",
                                    "summary.html"]
    manifest_bytes = z.read("manifest.json")
    sig = json.loads(z.read("signature.json"))
    assert sig["algorithm"] == "Ed25519" and sig["signed_file"] == "manifest.json"
    if public_key_b64:
        assert sig["public_key"] == public_key_b64
    VerifyKey(base64.b64decode(sig["public_key"])).verify(manifest_bytes, base64.b64decode(sig["signature"]))
    manifest = json.loads(manifest_bytes)
    assert {f["name"] for f in manifest["files"]} == {"evidence.json", "chain.json", "summary.html"}
    for f in manifest["files"]:
        data = z.read(f["name"])
        assert hashlib.sha256(data).hexdigest() == f["sha256"] and len(data) == f["bytes"], f["name"]
    evidence, chain = json.loads(z.read("evidence.json")), json.loads(z.read("chain.json"))
    for e in chain["entries"]:
        assert e["fields"][0] == "tocsin-ledger-v1" and e["fields"][1] == e["prev_hash"]
        assert chain_hash(e["fields"]) == e["hash"], e["seq"]
        assert e["verified"]
    hashes = {e["hash"] for e in chain["entries"]}
    for c in evidence["contacts"]:
        for e in c["entries"]:
            assert e["hash"] in hashes
    return evidence, chain, z.read("summary.html").decode()


def test_packet_is_signed_complete_and_scoped(tmp_path, smtp_sink, local_dns):
    srv, org, c, _sink, _dns, _tag = setup_server(tmp_path, smtp_sink, local_dns, people=3)
    with srv:
        org_b = srv.create_org("B")
        cb = srv.client(org_b["api_key"])
        signer = srv.client(org["api_key"], user_agent=UA)
        r = signer.post("people", json={"person": {"email_addresses": [{"address": "asked@example.net",
                                                                          "status": "subscribed"}]}},
                        )
        assert r.status_code == 200, r.text
        a_person = r.json()["identifiers"][0]
        # The same address in organization B, and another person of A, must stay out of A's packet.
        wait_for(lambda: cb.get("people").status_code == 200, "B's key known to the server")
        rb = cb.post("people", json={"person": {"email_addresses": [{"address": "asked@example.net",
                                                                      "status": "subscribed"}],
                                                "given_name": "OtherOrgName"}})
        assert rb.status_code == 200
        b_person = rb.json()["identifiers"][0]

        req = open_complaint(srv, org["org_id"], tmp_path, ["Asked@Example.net", "p0@example.net",
                                                            "nobody@example.net"], note="carrier ref 42")
        assert req["contact_count"] == 3, req

        listed = c.get("tocsin:evidence_requests").json()
        items = listed["_embedded"]["tocsin:evidence_requests"]
        assert [i["id"] for i in items] == [req["id"]] and items[0]["state"] == "open", listed
        one = c.get(f"tocsin:evidence_requests/{req['id']}").json()
        assert sorted(one["contacts"]) == ["email:asked@example.net", "email:nobody@example.net",
                                           "email:p0@example.net"], one
        # Organization B neither sees nor answers A's request.
        assert cb.get("tocsin:evidence_requests").json()["total_records"] == 0
        assert cb.get(f"tocsin:evidence_requests/{req['id']}").status_code == 404
        r = cb.post(f"tocsin:evidence_requests/{req['id']}/tocsin:answer")
        assert r.status_code == 404 and "error" in r.json()
        assert c.get("tocsin:evidence_requests/nope").status_code == 404
        assert c.delete(f"tocsin:evidence_requests/{req['id']}").status_code == 405

        r = c.post(f"tocsin:evidence_requests/{req['id']}/tocsin:answer")
        assert r.status_code == 200, r.text
        assert r.headers["Content-Type"] == "application/zip"
        assert hashlib.sha256(r.content).hexdigest() == r.headers["X-Tocsin-Packet-Sha256"]
        pub = srv.cli("evidence", "public-key", "--data", srv.data_dir).stdout.strip()
        evidence, chain, summary = check_packet(r.content, pub)

        assert evidence["org_id"] == org["org_id"] and evidence["request_id"] == req["id"]
        by_addr = {cp["address"]: cp for cp in evidence["contacts"]}
        assert set(by_addr) == {"asked@example.net", "p0@example.net", "nobody@example.net"}
        asked = by_addr["asked@example.net"]
        assert asked["status"] == "subscribed" and asked["entry_count"] == 1
        e = asked["entries"][0]
        assert e["ip"] == IP and e["user_agent"] == UA and e["person_id"] == a_person.split(":")[1]
        assert e["source"] and e["method"]
        assert by_addr["nobody@example.net"]["entries"] == []
        assert "No consent record" in summary and "asked@example.net" in summary
        blob = json.dumps(evidence) + json.dumps(chain) + summary
        for foreign in (org_b["org_id"], b_person.split(":")[1], "OtherOrgName", "p1@example.net",
                        "p2@example.net"):
            assert foreign not in blob, foreign

        answered = c.get(f"tocsin:evidence_requests/{req['id']}").json()
        assert answered["state"] == "answered" and answered["packet_sha256"] == r.headers["X-Tocsin-Packet-Sha256"]
        assert any("answered" in a["event"] for a in answered["audit"])

        # The operator's CLI makes the same packet for the request, and per message.
        out = tmp_path / "cli.zip"
        line = srv.json_line(srv.cli("evidence", "packet", "--data", srv.data_dir, "--org", org["org_id"],
                                     "--request", req["id"], "--out", out).stdout)
        assert line["contact_count"] == 3 and line["chain_verified"]
        ev2, _, _ = check_packet(out.read_bytes(), pub)
        assert {cp["address"] for cp in ev2["contacts"]} == set(by_addr)


def preflight_block(c, mid):
    return c.get(f"messages/{mid}/tocsin:preflight").json().get("blocked_reason", "")


def test_deadline_suspends_and_answer_lifts_only_that_suspension(tmp_path, smtp_sink, local_dns):
    srv, org, c, _sink, _dns, tag = setup_server(tmp_path, smtp_sink, local_dns, people=2)
    oid = org["org_id"]
    with srv:
        mid = create_message(c, tag)
        assert preflight_block(c, mid) == ""
        req = open_complaint(srv, oid, tmp_path, ["p0@example.net"], deadline="3s")
        opened = time.monotonic()
        wait_for(lambda: preflight_block(c, mid) == "evidence_overdue", "suspended after the deadline")
        assert time.monotonic() - opened < 3 + 10
        r = c.post(f"messages/{mid}/send", json={})
        assert r.status_code == 422 and "evidence_overdue" in r.json()["error"], r.text
        listed = c.get("tocsin:evidence_requests").json()
        assert listed["overdue"] == 1 and listed["_embedded"]["tocsin:evidence_requests"][0]["state"] == "overdue"
        shown = c.get(f"tocsin:evidence_requests/{req['id']}").json()
        assert any("suspended" in a["event"] for a in shown["audit"]), shown

        r = c.post(f"tocsin:evidence_requests/{req['id']}/tocsin:answer")
        assert r.status_code == 200 and r.headers["X-Tocsin-Suspension-Lifted"] == "true"
        assert preflight_block(c, mid) == ""

        # A suspension of the operator's own stays when an overdue request is answered.
        srv.cli("org", "suspend", "--data", srv.data_dir, "--org", oid, "--reason", "abuse report 7")
        req2 = open_complaint(srv, oid, tmp_path, ["p1@example.net"], deadline="1s")
        wait_for(lambda: any(i["state"] == "overdue" for i in
                             c.get("tocsin:evidence_requests").json()["_embedded"]["tocsin:evidence_requests"]),
                 "second request overdue")
        wait_for(lambda: "suspended" in json.dumps(c.get(f"tocsin:evidence_requests/{req2['id']}").json()["audit"]),
                 "clock noted the suspension")
        assert preflight_block(c, mid) == "org_suspended"
        r = c.post(f"tocsin:evidence_requests/{req2['id']}/tocsin:answer")
        assert r.status_code == 200
        assert preflight_block(c, mid) == "org_suspended"
        srv.cli("org", "unsuspend", "--data", srv.data_dir, "--org", oid)
        wait_for(lambda: preflight_block(c, mid) == "", "operator's suspension lifted")


def test_deadline_passed_while_server_down(tmp_path, smtp_sink, local_dns):
    srv, org, c, _sink, _dns, tag = setup_server(tmp_path, smtp_sink, local_dns, people=1)
    with srv:
        mid = create_message(c, tag)
    req = open_complaint(srv, org["org_id"], tmp_path, ["p0@example.net"], deadline="1s")
    time.sleep(1.5)
    srv.start()
    with srv:
        started = time.monotonic()
        wait_for(lambda: preflight_block(c, mid) == "evidence_overdue", "suspended at start", timeout=10)
        assert time.monotonic() - started < 10
        assert c.post(f"tocsin:evidence_requests/{req['id']}/tocsin:answer").status_code == 200
        assert preflight_block(c, mid) == ""


def test_complaint_open_refuses_bad_input(tmp_path, smtp_sink, local_dns):
    srv, org, c, _sink, _dns, tag = setup_server(tmp_path, smtp_sink, local_dns, people=1)
    with srv:
        bad = tmp_path / "bad.txt"
        bad.write_text("p0@example.net\nnot a contact\n")
        r = srv.cli("complaint", "open", "--data", srv.data_dir, "--org", org["org_id"], "--contacts", bad,
                    check=False)
        assert r.returncode != 0 and "line 2" in r.stderr
        r = srv.cli("complaint", "open", "--data", srv.data_dir, "--org", org["org_id"], "--message", "nope",
                    check=False)
        assert r.returncode != 0 and "no message" in r.stderr
        r = srv.cli("complaint", "open", "--data", srv.data_dir, "--org", org["org_id"], "--deadline", "soon",
                    "--list", "x", check=False)
        assert r.returncode != 0 and "--deadline" in r.stderr
        assert c.get("tocsin:evidence_requests").json()["total_records"] == 0
