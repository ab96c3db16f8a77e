"""Abuse limits on keyless record-helper posts (per action, per destination phone number) and the configured
age field. Own server with low limits; the per-IP limit stays high so only the new limits can answer 429."""
import pytest

from tocsin_server import TocsinServer, an_id, unique_email, unique_phone


@pytest.fixture(scope="module")
def limited(tmp_path_factory):
    srv = TocsinServer(tmp_path_factory.mktemp("tocsin-action-limits") / "data")
    srv.init("A")
    srv.write_config(limits={"helper_posts_per_action_per_second": 0.5, "helper_action_burst": 3,
                             "helper_posts_per_phone_per_hour": 1, "helper_phone_burst": 2},
                     server={"trusted_proxy_header": "X-Forwarded-For"},
                     sections={"privacy": {"age_custom_field": "age"}})
    srv.start()
    yield srv
    srv.stop()


def blind(anon, pid, phone=None):
    person = {"email_addresses": [{"address": unique_email("lim")}]}
    if phone:
        person["phone_numbers"] = [{"number": phone}]
    return anon.post(f"petitions/{pid}/signatures", json={"person": person})


def test_per_action_limit(limited):
    a = limited.client(limited.orgs["A"]["api_key"])
    anon = limited.client(None)
    flooded = an_id(a.ok("POST", "petitions", json={"title": "flooded"}))
    other = an_id(a.ok("POST", "petitions", json={"title": "quiet"}))
    codes = [blind(anon, flooded).status_code for _ in range(5)]
    assert codes[:3] == [200, 200, 200] and 429 in codes[3:], codes
    r = blind(anon, flooded)
    assert r.status_code == 429 and r.headers["Retry-After"].isdigit() and "error" in r.json()
    assert blind(anon, other).status_code == 200, "the limit is per action"
    assert a.ok("GET", f"petitions/{flooded}")["total_signatures"] == 3, "refused posts change nothing"
    # With a key the organization itself is not limited per action.
    r = a.post(f"petitions/{flooded}/signatures", json={"person": {"email_addresses": [{"address": unique_email("k")}]}})
    assert r.status_code == 200


def test_per_phone_limit(limited):
    a = limited.client(limited.orgs["A"]["api_key"])
    anon = limited.client(None)
    phone = unique_phone()
    pids = [an_id(a.ok("POST", "petitions", json={"title": f"p{i}"})) for i in range(4)]
    codes = [blind(anon, pid, phone).status_code for pid in pids[:3]]
    assert codes[:2] == [200, 200] and codes[2] == 429, codes
    assert blind(anon, pids[3], unique_phone()).status_code == 200, "another number is not limited"


def test_per_phone_limit_on_keyless_signup_helper(limited):
    """SMS pumping through POST /people: the same per-phone limit as the record helpers."""
    anon = limited.client(None)
    phone = unique_phone()

    def post(number):
        return anon.post("people", json={"person": {"email_addresses": [{"address": unique_email("limp")}],
                                                    "phone_numbers": [{"number": number}]}})
    codes = [post(phone).status_code for _ in range(3)]
    assert codes[:2] == [200, 200] and codes[2] == 429, codes
    r = post(phone)
    assert r.status_code == 429 and r.headers["Retry-After"].isdigit() and "error" in r.json()
    assert post(unique_phone()).status_code == 200, "another number is not limited"


def test_configured_age_field_on_put(limited):
    a = limited.client(limited.orgs["A"]["api_key"])
    # A record that holds an adult age is only refused: the write is more likely a typo than a discovery.
    adult = a.signup(unique_email("adultput"), person_extra={"custom_fields": {"age": "40"}})
    r = a.put(f"people/{an_id(adult)}", json={"custom_fields": {"age": "12"}})
    assert r.status_code == 422, r.text
    assert a.person(an_id(adult))["custom_fields"]["age"] == "40"
    # A record whose age was unknown is found to be a child's: refused, and erased (docs/PRIVACY.md "Children").
    p = a.signup(unique_email("kidput"))
    r = a.put(f"people/{an_id(p)}", json={"custom_fields": {"age": "12"}})
    assert r.status_code == 422 and "erased" in r.json()["error"], r.text
    assert a.get(f"people/{an_id(p)}").status_code == 404


def test_configured_age_field(limited):
    a = limited.client(limited.orgs["A"]["api_key"])
    pid = an_id(a.ok("POST", "petitions", json={"title": "ages"}))
    email = unique_email("kid")
    r = a.post(f"petitions/{pid}/signatures",
               json={"person": {"email_addresses": [{"address": email}], "custom_fields": {"age": "12"}}})
    assert r.status_code == 422, r.text
    assert a.ok("GET", "people", params={"filter": f"email_address eq '{email}'"})["_embedded"]["osdi:people"] == []
    r = a.post(f"petitions/{pid}/signatures",
               json={"person": {"email_addresses": [{"address": email}], "custom_fields": {"age": "30"}}})
    assert r.status_code == 200


def test_evidence_ip_comes_from_the_trusted_proxy_header(limited):
    a = limited.client(limited.orgs["A"]["api_key"])
    pid = an_id(a.ok("POST", "petitions", json={"title": "proxied"}))
    sig = a.ok("POST", f"petitions/{pid}/signatures",
               headers={"X-Forwarded-For": "203.0.113.9, 10.0.0.1", "User-Agent": "proxied-browser"},
               json={"person": {"email_addresses": [{"address": unique_email("px")}]}})
    proof = a.ok("GET", f"people/{sig['action_network:person_id']}/consent")
    entry = proof["contact_points"][0]["entries"][-1]
    assert entry["ip"] == "203.0.113.9" and entry["user_agent"] == "proxied-browser"


def test_untrusted_forwarded_header_is_ignored(server, a):
    """The session server configures no proxy header: a client cannot choose the IP in its evidence."""
    pid = an_id(a.ok("POST", "petitions", json={"title": "not proxied"}))
    sig = a.ok("POST", f"petitions/{pid}/signatures", headers={"X-Forwarded-For": "203.0.113.9"},
               json={"person": {"email_addresses": [{"address": unique_email("npx")}]}})
    entry = a.ok("GET", f"people/{sig['action_network:person_id']}/consent")["contact_points"][0]["entries"][-1]
    assert entry["ip"] == "127.0.0.1"
