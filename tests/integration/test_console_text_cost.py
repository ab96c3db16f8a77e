"""A text blast's cost estimate on the console's message screen (issue #13; docs/CONSOLE.md, Messages): the
texts that would leave (now, or after quiet hours and caps) × the segments of each × `[sms] price_per_segment`,
to the cent, from the same preflight the screen shows. A bad price in tocsin.toml is refused at start."""
import re

from sms_setup import texting_server
from test_console_http import Staff
from test_sender_levers import create_text, number, tag_numbers
from tocsin_server import free_port

# 170 GSM-7 characters: two segments once the brand is added (153 per part).
BODY = "Rally at city hall on Saturday at noon. " * 4 + "Bring a friend."


def figure(page: str, element_id: str) -> int:
    m = re.search(rf'id="{element_id}">(\d+)<', page)
    return int(m.group(1)) if m else 0


def test_the_estimate_is_texts_times_segments_times_the_price(tmp_path):
    srv, org = texting_server(tmp_path, free_port(), {"sms": {"price_per_segment": 0.0079,
                                                              "price_currency": "EUR"}})
    # The real clock (the staff login's TOTP is the real time's): quiet hours may defer texts, which the
    # estimate counts all the same.
    srv.env = {}
    with srv.start():
        c = srv.client(org["api_key"])
        href = tag_numbers(c, "texters", [number(i) for i in range(7)])
        mid = create_text(c, href, "+12025550100", body=BODY)
        owner = Staff(srv, org["org_id"], "owner@example.org", "owner")
        assert owner.login().status_code == 303
        page = owner.get(f"/admin/messages/{mid}").text
        segments = int(re.search(r'id="segments">Each text is (\d+) segment', page).group(1))
        texts = figure(page, "pf-sendable") + figure(page, "pf-deferred")
        assert segments == 2 and texts == 7, page
        # The text as a first text reads: the brand in front, the opt-out line added (policy SMS-X1, SMS-X2).
        preview = re.search(r'<blockquote id="text-preview">([^<]*)</blockquote>', page)
        assert preview and preview.group(1).endswith("Bring a friend. Reply STOP to opt out."), page
        assert re.match(r"[^:]+: Rally at city hall", preview.group(1)), preview.group(1)
        cost = re.search(r'id="sms-cost">Estimated cost: (\d+) texts × (\d+) segment\(s\) × ([0-9.]+) EUR = '
                         r'<strong>([0-9.]+) EUR</strong>', page)
        assert cost, page
        assert cost.groups() == ("7", "2", "0.0079", f"{7 * 2 * 0.0079:.2f}"), cost.groups()  # 0.11

        # An email's screen has no such line.
        assert 'id="sms-cost"' not in owner.get("/admin/messages/new?channel=email").text

    # A negative price is refused when the server reads its configuration, naming the key.
    srv.write_config(sections={"sms": {"price_per_segment": -1}})
    r = srv.cli("serve", "--data", srv.data_dir, check=False)
    assert r.returncode != 0 and "sms.price_per_segment" in r.stderr + r.stdout, (r.returncode, r.stderr)
