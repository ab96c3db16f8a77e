"""The message statistics over time and the dashboard's growth in the console (issue #13; docs/CONSOLE.md
"Statistics over time"): a tracked blast handed to smtp-sink, one open and one click followed, a hard bounce
marked on a delivery row; the chart's table (the accessible reading of the SVG) read back and compared with
the API's statistics and with the hourly counts the database keeps (delivery_hours, migration 12), per hour
as the deliveries' own times say; another organization's staff cannot see the message."""
import re
from datetime import datetime, timezone
from html import unescape

import requests

from test_blast import setup_server
from test_console_http import Staff
from test_tracking import CLICK_RE, PIXEL_RE, blast, html_parts, stats

HOUR = 3600 * 1_000_000
# This server's public URL is plain http (so the console's cookies are not `Secure` for the test's client).
CLICK_RE, PIXEL_RE = (re.compile(r.pattern.replace("https://", "http://")) for r in (CLICK_RE, PIXEL_RE))


def chart_table(html: str, chart_id: str):
    """The chart's table: {series key: [values]} and the row labels."""
    table = re.search(rf'<table id="{chart_id}-table">(.*?)</table>', html, re.S).group(1)
    keys = re.findall(r'<th scope="col" data-series="([a-z_]+)">', table)
    labels, columns = [], {k: [] for k in keys}
    for label, cells in re.findall(r'<tr><th scope="row">([^<]*)</th>(.*?)</tr>', table, re.S):
        labels.append(unescape(label))
        for k, v in zip(keys, re.findall(r"<td>(\d+)</td>", cells)):
            columns[k].append(int(v))
    return labels, columns


def hour_label(micros: int) -> str:
    return datetime.fromtimestamp(micros // 1_000_000 // 3600 * 3600, timezone.utc).strftime("%Y-%m-%d %H:%M")


def test_statistics_over_time(tmp_path, smtp_sink, local_dns):
    srv, org, c, sink, _dns, tag_href = setup_server(tmp_path, smtp_sink, local_dns, people=3, scheme="http")
    with srv:
        b = srv.create_org("B")
        mid = blast(c, tag_href)
        mails = html_parts(sink)
        html0 = mails["p0@example.net"][0]
        assert requests.get(srv.base + CLICK_RE.findall(html0)[0][1], allow_redirects=False,
                            timeout=10).status_code == 302  # a click (and so an open)
        assert requests.get(srv.base + PIXEL_RE.search(mails["p1@example.net"][0]).group(2),
                            timeout=10).status_code == 200  # an open
        # A hard bounce arriving for p2, as the DSN ingest marks it (the same UPDATE of the row).
        with srv.db(write=True) as db:
            db.execute("UPDATE deliveries SET state = 5, reason = 'hard bounce 5.1.1', updated = handed_at + ? "
                       "WHERE org_id = ? AND message_id = ? AND seq = (SELECT min(seq) FROM deliveries "
                       "WHERE org_id = ? AND message_id = ? AND handed_at > 0)",
                       (2 * HOUR, org["org_id"], mid, org["org_id"], mid))
            db.commit()
            handed = [r[0] for r in db.execute("SELECT handed_at FROM deliveries WHERE org_id = ? AND "
                                               "message_id = ? AND handed_at > 0", (org["org_id"], mid))]
            hours = {(h, k): n for h, k, n in db.execute(
                "SELECT hour, kind, count FROM delivery_hours WHERE org_id = ? AND message_id = ?",
                (org["org_id"], mid))}
        api = stats(c, mid)
        assert api["sent"] == 3 and api["opened"] == 2 and api["clicked"] == 1, api

        # The database's hourly counts: every hand-over in the hour of its handed_at, the bounce two hours on.
        sent_hour = min(handed) - min(handed) % HOUR
        assert sum(n for (h, k), n in hours.items() if k == 1) == 3
        assert {h for (h, k) in hours if k == 1} == {h - h % HOUR for h in handed}
        assert hours.get((sent_hour + 2 * HOUR, 3)) == 1, hours  # kind 3: hard bounce
        assert sum(n for (h, k), n in hours.items() if k == 7) == 2  # opens
        assert sum(n for (h, k), n in hours.items() if k == 8) == 1  # clicks

        owner = Staff(srv, org["org_id"], "owner@example.org", "owner")
        other = Staff(srv, b["org_id"], "owner-b@example.org", "owner")
        assert owner.login().status_code == 303 and other.login().status_code == 303
        page = owner.get(f"/admin/messages/{mid}")
        assert page.status_code == 200
        html = page.text
        # The SVG is an image named by the caption, a line per series; the table carries the numbers.
        assert re.search(r'<svg viewBox="0 0 640 240" width="100%" role="img" aria-labelledby="over-time-caption"',
                         html)
        labels, cols = chart_table(html, "over-time")
        assert labels[0] == hour_label(sent_hour) and labels[-1] == hour_label(sent_hour + 2 * HOUR)
        assert sum(cols["sent"]) == api["sent"] == 3
        assert sum(cols["opened"]) == api["opened"] and sum(cols["clicked"]) == api["clicked"]
        assert cols["hard_bounce"][labels.index(hour_label(sent_hour + 2 * HOUR))] == 1
        assert sum(cols["hard_bounce"]) == 1
        # Each table value is the database's for its hour and kind.
        kinds = {"sent": 1, "hard_bounce": 3, "opened": 7, "clicked": 8}
        for key, kind in kinds.items():
            for i, label in enumerate(labels):
                want = sum(n for (h, k), n in hours.items() if k == kind and hour_label(h) == label)
                assert cols[key][i] == want, (key, label)
        for key in kinds:
            assert f'data-series="{key}"' in re.search(r"<svg viewBox.*?</svg>", html, re.S).group(0)

        # Another organization's staff: the message (and so its statistics) is not found.
        assert other.get(f"/admin/messages/{mid}").status_code == 404
        assert mid not in other.get("/admin/messages").text

        # The dashboard's growth: the three people and the opted-out one were created today.
        dash = owner.get("/admin").text
        labels, cols = chart_table(dash, "growth")
        assert len(labels) == 30 and labels[-1] == datetime.now(timezone.utc).strftime("%Y-%m-%d")
        assert cols["people"][-1] == 4 and cols["new"][-1] == 4 and sum(cols["new"][:-1]) == 0
        assert re.search(r'role="img" aria-labelledby="growth-caption"', dash)
        # B's dashboard counts B's people only.
        _, cols_b = chart_table(other.get("/admin").text, "growth")
        assert cols_b["people"][-1] == 0
