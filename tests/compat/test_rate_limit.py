"""Rate limits (§1.8): per-key token bucket and per-IP limit on keyless helper posts. Own server, low limits."""
import time

import pytest

from tocsin_server import TocsinServer, unique_email


@pytest.fixture(scope="module")
def limited(tmp_path_factory):
    srv = TocsinServer(tmp_path_factory.mktemp("tocsin-ratelimit") / "data")
    srv.init("A")
    srv.create_org("B")
    srv.second_key_a = srv.create_key(srv.orgs["A"]["org_id"])
    srv.write_config(limits={"key_requests_per_second": 1, "key_burst": 2,
                             "helper_posts_per_ip_per_second": 1, "helper_burst": 2})
    srv.start()
    yield srv
    srv.stop()


def retry_after_seconds(r):
    ra = r.headers.get("Retry-After")
    assert ra is not None, "429 without Retry-After"
    assert ra.strip().isdigit(), f"Retry-After {ra!r}"
    return int(ra)


def test_key_bucket_429_and_other_org_unaffected(limited):
    a = limited.client(limited.orgs["A"]["api_key"])
    b = limited.client(limited.orgs["B"]["api_key"])
    time.sleep(2.5)  # full bucket
    rs = [a.get("people") for _ in range(5)]
    codes = [r.status_code for r in rs]
    assert codes[:2] == [200, 200], codes
    assert codes[2] == 429, codes
    r429 = rs[2]
    assert isinstance(r429.json().get("error"), str)
    assert 1 <= retry_after_seconds(r429) <= 5
    assert limited.orgs["A"]["api_key"] not in r429.text
    assert b.get("people").status_code == 200, "another org's key must not share A's bucket"
    a2 = limited.client(limited.second_key_a["api_key"])
    assert a2.get("people").status_code == 200, "the bucket is per API key, not per organization"
    time.sleep(retry_after_seconds(r429) + 0.2)
    assert a.get("people").status_code == 200, "bucket must refill"


def test_limit_applies_to_writes_and_changes_nothing(limited):
    a = limited.client(limited.orgs["A"]["api_key"])
    time.sleep(2.5)
    emails = [unique_email("rl") for _ in range(4)]
    rs = [a.post("people", json={"person": {"email_addresses": [{"address": e}]}}) for e in emails]
    codes = [r.status_code for r in rs]
    assert 429 in codes, codes
    time.sleep(3.5)
    for e, r in zip(emails, rs):
        found = a.ok("GET", "people", params={"filter": f"email eq '{e}'"})["_embedded"]["osdi:people"]
        time.sleep(1.05)
        assert bool(found) == (r.status_code == 200), f"{r.status_code} but stored={bool(found)}"


def test_blind_helper_posts_limited_per_ip(limited):
    anon = limited.client(None)
    time.sleep(2.5)
    rs = [anon.post("people", json={"person": {"email_addresses": [{"address": unique_email("rlb")}]}})
          for _ in range(6)]
    codes = [r.status_code for r in rs]
    assert codes[:2] == [200, 200], codes
    assert 429 in codes[2:], codes
    r = next(r for r in rs if r.status_code == 429)
    retry_after_seconds(r)
    assert "error" in r.json()
