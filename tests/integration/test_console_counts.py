"""A large organization's slow console counts come from the background (issue #13: every screen ≤ 100 ms at
1M people; web/admin/counted_later.h). `[console] count_inline_below = 0` makes every organization "large",
so a handful of people exercise the path: the dashboard's counts and a draft's preflight are served from the
last background count with the time it was made, a change (a new person, an unsubscribe) makes the next view
start a new count, and the new figures appear once it is done; the drill-down to names works from it."""
import re
import time
from html import unescape

import pytest

from test_console_http import Staff
from tocsin_server import TocsinServer, unique_email

DOMAIN = "example.org"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("console-counts")
    srv = TocsinServer(tmp / "data")
    org = srv.init("Counted Later")
    srv.make_ready_to_send(org, tmp, DOMAIN)
    srv.write_config(sections={"console": {"count_inline_below": 0}})
    srv.start()
    srv.org = org
    yield srv
    srv.stop()


def until(get, predicate, seconds=10):
    """The page, once `predicate` holds for it (a background count takes a moment)."""
    deadline = time.monotonic() + seconds
    while True:
        page = get()
        if predicate(page) or time.monotonic() > deadline:
            return page
        time.sleep(0.1)


def figure(page, element_id):
    m = re.search(rf'id="{element_id}">([0-9,]+)<', page.text)
    return int(m.group(1).replace(",", "")) if m else None


def test_dashboard_counts_in_the_background(site):
    srv = site
    api = srv.client(srv.org["api_key"])
    for i in range(3):
        api.signup(unique_email(f"d{i}"), email_status="subscribed")
    owner = Staff(srv, srv.org["org_id"], unique_email("owner"), "owner")
    assert owner.login().status_code == 303

    page = until(lambda: owner.get("/admin"), lambda p: figure(p, "people-count") == 3)
    assert page.status_code == 200 and figure(page, "people-count") == 3, page.text
    assert figure(page, "email-subscribed") == 3
    assert re.search(r'id="counted-at">Counted at \d\d:\d\d:\d\d UTC', page.text), page.text

    # A new person: the count of the old revision is no longer current; the next views show the new one.
    api.signup(unique_email("d3"), email_status="subscribed")
    page = until(lambda: owner.get("/admin"), lambda p: figure(p, "people-count") == 4)
    assert figure(page, "people-count") == 4 and figure(page, "email-subscribed") == 4, page.text
    assert "a new count is under way" not in until(
        lambda: owner.get("/admin"), lambda p: "a new count is under way" not in p.text).text


def test_preflight_and_drill_down_from_the_background(site):
    srv = site
    api = srv.client(srv.org["api_key"])
    assert api.post("tags", json={"name": "counted"}).status_code == 200
    emails = [unique_email(f"p{i}") for i in range(3)]
    ids = [api.signup(e, email_status="subscribed", tags=["counted"])["identifiers"][0].split(":")[1]
           for e in emails]
    tag = next(t for t in api.get("tags").json()["_embedded"]["osdi:tags"]
               if t["name"] == "counted")["identifiers"][0].split(":")[1]
    organizer = Staff(srv, srv.org["org_id"], unique_email("organizer"), "organizer")
    assert organizer.login().status_code == 303
    r = organizer.post("/admin/messages", channel="email", name="Counted", subject="Hello",
                       **{"from": "Counted Later"}, from_address="news@" + DOMAIN, reply_to="news@" + DOMAIN,
                       body="<p>Hi</p>", target="tags/" + tag)
    assert r.status_code == 303, r.text
    mid = r.headers["Location"].rsplit("/", 1)[1]

    page = until(lambda: organizer.get(f"/admin/messages/{mid}"), lambda p: figure(p, "pf-sendable") == 3)
    assert figure(page, "pf-targeted") == 3 and figure(page, "pf-sendable") == 3, page.text
    assert re.search(r'id="pf-counted-at">Counted at \d\d:\d\d:\d\d UTC', page.text), page.text
    assert 'id="pf-counting"' not in page.text

    # One of them unsubscribes: the ledger moves, so the next views count again and leave them out.
    r = api.put(f"people/{ids[1]}", json={"email_addresses": [{"address": emails[1], "status": "unsubscribed"}]})
    assert r.status_code == 200, r.text
    page = until(lambda: organizer.get(f"/admin/messages/{mid}"), lambda p: figure(p, "pf-sendable") == 2)
    assert figure(page, "pf-sendable") == 2 and figure(page, "pf-excluded") == 1, page.text

    # The drill-down names the person the rule leaves out, from the same count.
    drill = organizer.get(f"/admin/messages/{mid}?reason=not_subscribed")
    listed = re.search(r'<h3 id="drill">(.*?)</ul>', unescape(drill.text), re.S)
    assert listed, drill.text
    assert f'href="/admin/people/{ids[1]}"' in listed.group(1)
    assert ids[0] not in listed.group(1) and ids[2] not in listed.group(1)
