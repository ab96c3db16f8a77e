"""Pausing and resuming a running blast from the console (issue #13; docs/CONSOLE.md, Messages): a paused
blast hands nothing more to the relay after the rounds already with the workers, says who paused it and when,
and resumed it goes on where it stopped, every recipient once. Viewers cannot pause, another organization's
staff cannot see the message, and each decision is in the staff audit trail. Read from what reached smtp-sink."""
import re
import time

from test_blast import create_message, setup_server, wait_status
from test_console_http import Staff, staff_audit

PEOPLE = 800  # at 100 a second: the two rounds of 256 in flight at the pause leave some still to go


def sink_count(sink) -> int:
    return len(list(sink.dump_dir.iterdir()))


def settled(sink, quiet=2.0, timeout=30) -> int:
    """The sink's count once it has not moved for `quiet` seconds."""
    deadline = time.time() + timeout
    last, since = sink_count(sink), time.time()
    while time.time() < deadline:
        time.sleep(0.2)
        now = sink_count(sink)
        if now != last:
            last, since = now, time.time()
        elif time.time() - since >= quiet:
            return now
    raise AssertionError(f"the sink kept receiving for {timeout} s ({last})")


def test_pause_and_resume_a_running_blast(tmp_path, smtp_sink, local_dns):
    srv, org, c, sink, _dns, tag_href = setup_server(tmp_path, smtp_sink, local_dns, people=PEOPLE, per_second=100,
                                                     scheme="http")
    with srv:
        b = srv.create_org("B")
        owner = Staff(srv, org["org_id"], "owner@example.org", "owner")
        viewer = Staff(srv, org["org_id"], "viewer@example.org", "viewer")
        other = Staff(srv, b["org_id"], "owner-b@example.org", "owner")
        for s in (owner, viewer, other):
            assert s.login().status_code == 303

        mid = create_message(c, tag_href)
        assert c.post(f"messages/{mid}/send", json={}).status_code == 200
        deadline = time.time() + 30
        while sink_count(sink) < 20 and time.time() < deadline:
            time.sleep(0.05)
        page = owner.get(f"/admin/messages/{mid}").text
        assert 'id="pause-button"' in page and 'id="resume-button"' not in page

        assert viewer.post(f"/admin/messages/{mid}/pause").status_code == 403
        assert other.post(f"/admin/messages/{mid}/pause").status_code == 404
        assert owner.post(f"/admin/messages/{mid}/resume").status_code == 400  # not paused by staff

        r = owner.post(f"/admin/messages/{mid}/pause")
        assert r.status_code == 303 and r.headers["Location"] == f"/admin/messages/{mid}", r.text
        wait_status(c, mid, "paused")
        page = owner.get(f"/admin/messages/{mid}").text
        assert re.search(r'id="staff-paused">Paused by owner@example\.org at \d{4}-\d\d-\d\dT', page), page
        assert 'id="resume-button"' in page and 'id="pause-button"' not in page
        assert "paused by owner@example.org" in page  # the status line's reason
        assert owner.post(f"/admin/messages/{mid}/pause").status_code == 303  # again: unchanged

        # Nothing more leaves: what was with the workers finishes, then the count stands still.
        held = settled(sink)
        assert 20 <= held < PEOPLE, held
        time.sleep(2)
        assert sink_count(sink) == held
        assert c.get(f"messages/{mid}").json()["status"] == "paused"

        assert owner.post(f"/admin/messages/{mid}/resume").status_code == 303
        wait_status(c, mid, "sent")
        time.sleep(0.5)
        raw = sink.messages()
        to = [re.search(rb"^To: (\S+)", m, re.M).group(1).decode() for m in raw]
        assert len(to) == PEOPLE and len(set(to)) == PEOPLE, (len(to), len(set(to)))
        assert owner.post(f"/admin/messages/{mid}/resume").status_code == 400  # sent: nothing to resume

        audit = staff_audit(srv)
        assert sum('"messages.pause"' in a and mid in a for a in audit) == 1, audit  # the second changed nothing
        assert sum('"messages.resume"' in a and mid in a for a in audit) == 1, audit
