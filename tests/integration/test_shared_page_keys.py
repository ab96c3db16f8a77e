"""The hosted pages' keys shared by the nodes of one installation (issue #12, docs/PAGES.md "Keys shared by the
nodes"), on SQLite and PostgreSQL: two `tocsin serve` processes with the same secrets — the second on a copy
of the first's installation (one node writes a database until the ledger chain's order is kept in the
database: test_writer_claim.py), on PostgreSQL a copy of its database too — and a form, an embed frame's
token and a proof-of-work challenge issued by one node are accepted by the other; the same posts with a token
the other node did not sign are still refused."""
import hashlib
import html as htmllib
import re
import shutil

import pytest
import requests

from fixtures.postgres import psql, shared_cluster
from tocsin_server import TocsinServer, an_id, unique_email

BITS = 8


def hidden(page):
    form = page.split("<main>")[1]
    return {m.group(1): htmllib.unescape(m.group(2))
            for m in re.finditer(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)">', form)}


def solve(challenge):
    bits = int(challenge.split(".")[2])
    n = 0
    while True:
        h = int.from_bytes(hashlib.sha256(f"{challenge}:{n}".encode()).digest(), "big")
        if h >> (256 - bits) == 0:
            return str(n)
        n += 1


def db_name(url):
    return url.rsplit("/", 1)[1]


LIMITS = {"challenge_bits": BITS, "challenge_wait_seconds": 600, "challenge_posts_per_minute": 0}


@pytest.fixture(scope="module")
def nodes(tmp_path_factory):
    work = tmp_path_factory.mktemp("nodes")
    one = TocsinServer(work / "data")
    org = one.init("Friends of the Bay")
    one.write_config(limits=LIMITS)
    one.start()
    api = one.client(org["api_key"])
    petitions = {"form": api.ok("POST", "petitions", json={"title": "Save the Bay", "tocsin:challenge": "on"}),
                 "embed": api.ok("POST", "petitions", json={"title": "Embedded"})}
    two = TocsinServer(work / "data2")
    # The second node is a copy of the whole installation (its secrets: contact key, token keys; the
    # key-encryption key beside it), taken while the first is stopped.
    one.stop()
    shutil.copytree(one.data_dir, two.data_dir, ignore=shutil.ignore_patterns("*.log"))
    if one.database_url:  # and on PostgreSQL a copy of the database
        copy = db_name(one.database_url) + "_copy"
        psql(shared_cluster().admin_url, f"CREATE DATABASE {copy} TEMPLATE {db_name(one.database_url)}")
        two.database_url = one.database_url.rsplit("/", 1)[0] + "/" + copy
        two.env["TOCSIN_DATABASE_URL"] = two.cli_env["TOCSIN_DATABASE_URL"] = two.database_url
    one.start()
    shutil.copy(one.kek_path, two.kek_path)
    two.write_config(limits=LIMITS)
    two.start()
    yield one, two, two.client(org["api_key"]), petitions
    two.stop()
    one.stop()


def on(node, page_url):
    """The page's URL on `node` (the API's browser_url names the node that created it)."""
    return node.base + "/" + page_url.split("/", 3)[3]


def test_a_form_from_one_node_is_accepted_by_the_other(nodes):
    one, two, api, petitions = nodes
    p = petitions["form"]
    s = requests.Session()
    page = s.get(on(one, p["browser_url"]))
    assert page.status_code == 200
    h = hidden(page.text)
    assert h["challenge"] and h["csrf"]
    # The form fetched from node one, its challenge solved, posted to node two with node one's session.
    data = {**h, "pow": solve(h["challenge"]), "name": "Ada", "email": unique_email("node"), "email_opt_in": "1"}
    r = s.post(on(two, p["browser_url"]), data=data, allow_redirects=False)
    assert r.status_code == 303, r.text
    assert api.ok("GET", f"petitions/{an_id(p)}")["total_signatures"] == 1
    # A CSRF token neither node signed is still refused.
    forged = {**hidden(s.get(on(one, p["browser_url"])).text), "name": "Eve", "email": unique_email("eve")}
    forged["csrf"] = "0" * len(forged["csrf"])
    forged["pow"] = solve(forged["challenge"])
    r = s.post(on(two, p["browser_url"]), data=forged, allow_redirects=False)
    assert r.status_code == 403, r.status_code
    # A challenge node one issued, answered wrongly on node two: refused (the check is the same on both).
    fresh = hidden(s.get(on(one, p["browser_url"])).text)
    r = s.post(on(two, p["browser_url"]), data={**fresh, "pow": "x", "name": "Mallory",
                                                 "email": unique_email("m")}, allow_redirects=False)
    assert r.status_code == 403
    assert api.ok("GET", f"petitions/{an_id(p)}")["total_signatures"] == 1


def test_an_embed_token_from_one_node_is_accepted_by_the_other(nodes):
    one, two, api, petitions = nodes
    p = petitions["embed"]
    frame = requests.get(f"{one.base}/embed/{an_id(p)}/frame", params={"host": "https://host.example/page"},
                         headers={"Referer": "https://host.example/"})
    assert frame.status_code == 200
    h = hidden(frame.text)
    r = requests.post(f"{two.base}/embed/{an_id(p)}/frame",
                      data={**h, "name": "Grace", "email": unique_email("embed"), "email_opt_in": "1"},
                      headers={"Origin": two.base}, allow_redirects=False)
    assert r.status_code == 303, r.text
    assert api.ok("GET", f"petitions/{an_id(p)}")["total_signatures"] == 1
    # The token altered by one character: refused by the other node too.
    bad = dict(h)
    bad["embed_token"] = bad["embed_token"][:-1] + ("0" if bad["embed_token"][-1] != "0" else "1")
    r = requests.post(f"{two.base}/embed/{an_id(p)}/frame",
                      data={**bad, "name": "Eve", "email": unique_email("embed")},
                      headers={"Origin": two.base}, allow_redirects=False)
    assert r.status_code in (400, 403), r.status_code
    assert api.ok("GET", f"petitions/{an_id(p)}")["total_signatures"] == 1


def test_a_form_served_before_a_restart_is_accepted_after_it(nodes):
    """The same keys after a restart (they come from the installation, not the process): the form served by
    node two, node two restarted, the post accepted — on SQLite, where a store has one server, the same
    assertion as across nodes made within one installation."""
    one, two, api, petitions = nodes
    p = petitions["form"]
    before = api.ok("GET", f"petitions/{an_id(p)}")["total_signatures"]
    s = requests.Session()
    h = hidden(s.get(on(two, p["browser_url"])).text)
    two.stop()
    two.start()
    data = {**h, "pow": solve(h["challenge"]), "name": "Lin", "email": unique_email("restart"), "email_opt_in": "1"}
    r = s.post(on(two, p["browser_url"]), data=data, allow_redirects=False)
    assert r.status_code == 303, r.text
    assert api.ok("GET", f"petitions/{an_id(p)}")["total_signatures"] == before + 1
