"""Email addresses match case-insensitively (issue 10, item 1; docs/API.md "Matching"): every spelling of an
address is the same person, the same consent history and the same filter result; the address is shown as
first typed."""
import json
import subprocess

from tocsin_server import an_id, unique_email


def spellings(address):
    """Three spellings that differ only in case: Title.Case@DOMAIN, ALL CAPS, all lower."""
    local, domain = address.lower().split("@")
    return local.title() + "@" + domain.upper(), address.upper(), address.lower()


def test_case_variants_posted_are_one_person(a):
    typed = unique_email("Jane.Doe")
    upper, shout, lower = spellings(typed)
    first = a.signup(upper)
    for other in (shout, lower):
        again = a.signup(other)
        assert an_id(again) == an_id(first), f"{other} made a second person"
    shown = a.person(an_id(first))["email_addresses"][0]["address"]
    assert shown == upper.split("@")[0] + "@" + upper.split("@")[1].lower(), "the address as first typed"


def test_an_unsubscribe_in_one_spelling_holds_for_every_spelling(a):
    typed = unique_email("Mixed.Case")
    upper, shout, lower = spellings(typed)
    pid = an_id(a.signup(lower, email_status="subscribed"))
    a.signup(shout, email_status="unsubscribed")
    assert a.person(pid)["email_addresses"][0]["status"] == "unsubscribed"
    # A later keyless-style signup without a status in a third spelling does not re-subscribe it either.
    a.signup(upper)
    assert a.person(pid)["email_addresses"][0]["status"] == "unsubscribed"


def test_filter_by_either_spelling_finds_the_person(a):
    typed = unique_email("Filter.Me")
    upper, shout, lower = spellings(typed)
    pid = an_id(a.signup(upper))
    for spelling in (upper, shout, lower):
        found = a.ok("GET", "people", params={"filter": f"email_address eq '{spelling}'"})["_embedded"]["osdi:people"]
        assert [an_id(p) for p in found] == [pid], spelling
        # the same through the non-indexed path (a second clause forces the scan)
        found = a.ok("GET", "people", params={"filter": f"given_name eq '' and email eq '{spelling}'"})
        assert [an_id(p) for p in found["_embedded"]["osdi:people"]] == [pid], spelling


def test_evidence_lookup_by_either_spelling(server, org_a, a):
    typed = unique_email("Evidence.Case")
    upper, shout, lower = spellings(typed)
    pid = an_id(a.signup(upper, email_status="subscribed"))
    a.signup(lower, email_status="unsubscribed")
    body = a.ok("GET", f"people/{pid}/consent")
    assert body["chain_verified"] is True
    (point,) = [c for c in body["contact_points"] if c["channel"] == "email"]
    assert [e["new_status"] for e in point["entries"]] == ["subscribed", "unsubscribed"], point
    for spelling in (upper, shout, lower):
        r = subprocess.run([server.binary, "evidence", "--data", str(server.data_dir), "--org", org_a["org_id"],
                            spelling], capture_output=True, text=True, timeout=60, env=server.proc_env)
        assert r.returncode == 0, r.stdout + r.stderr
        out = json.loads(r.stdout)
        proof = out.get("contact_point", out)
        assert proof["status"] == "unsubscribed", (spelling, proof)
        assert [e["new_status"] for e in proof["entries"]] == ["subscribed", "unsubscribed"], (spelling, proof)
        assert {e["person_id"] for e in proof["entries"]} == {pid}
