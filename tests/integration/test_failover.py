"""Failover (issue 14, docs/STORE.md "Failover"): a PostgreSQL primary with a synchronous streaming standby;
the primary crashes (pg_ctl stop -m immediate) and the standby is promoted while tocsin is under load. One
tocsin node, given both hosts in a multi-host URL (target_session_attrs=read-write), reconnects to the new
primary and goes on: every acknowledged signup is in the promoted standby's tables and readable through the
API, the ledger verifies, and a blast running over the failover finishes with every recipient in a terminal
state and nobody mailed twice.

PostgreSQL only: a failover is a PostgreSQL feature (SQLite has no standby). The test starts its own pair of
clusters (tests/fixtures/postgres_standby.py) instead of the suite's shared one."""
import threading
import time
from email import message_from_bytes
from email.policy import default as default_policy

import pytest

from fixtures.postgres import PgDb, backend
from fixtures.postgres_standby import StandbyPair
from mail_servers import sending_domain_records
from test_blast import DOMAIN, create_message, wait_status
from tocsin_server import TocsinServer, an_id, free_port, wait_until

pytestmark = pytest.mark.skipif(backend() != "postgresql",
                                reason="failover is a PostgreSQL feature (primary + standby); SQLite has no standby")


@pytest.fixture
def pg_pair():
    pair = StandbyPair().start()
    yield pair
    pair.stop()


def server_on(pair, tmp_path) -> TocsinServer:
    """A tocsin installation whose database is the pair's, named by the multi-host URL."""
    srv = TocsinServer(tmp_path / "data", backend_override="sqlite")  # no database in the shared cluster
    srv.backend = "postgresql"
    srv.database_url = pair.url
    srv.env["TOCSIN_DATABASE_URL"] = pair.url
    srv.cli_env["TOCSIN_DATABASE_URL"] = pair.url
    return srv


def fail_over(pair, pause=0.5):
    """The primary crashes; `pause` later the standby is promoted (the window in which no server accepts
    writes)."""
    pair.stop_primary()
    time.sleep(pause)
    pair.promote()
    assert pair.standby_is_primary()


class SignupLoad:
    """A client thread posting signups back to back; records each acknowledged one (HTTP 200) and every
    answer that was not."""

    def __init__(self, client):
        self.c = client
        self.acked: dict[str, str] = {}  # email -> person id
        self.refused: list[str] = []  # answered, not 200
        self.unanswered: list[str] = []  # no answer at all: outcome unknown to the client
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.n = 0

    def run(self):
        while not self.stop.is_set():
            self.n += 1
            email = f"s{self.n}@example.net"
            body = {"person": {"email_addresses": [{"address": email, "status": "subscribed"}]}}
            try:
                r = self.c.post("people", json=body, timeout=120)
            except Exception as e:  # no answer at all: its outcome is unknown to the client
                self.unanswered.append(f"{email}: {e}")
                time.sleep(0.05)
                continue
            if r.status_code == 200:
                self.acked[email] = an_id(r.json())
            else:
                self.refused.append(f"{email}: {r.status_code} {r.text[:200]}")

    def wait_for(self, n, timeout=60):
        deadline = time.time() + timeout
        while len(self.acked) < n and time.time() < deadline:
            time.sleep(0.05)
        assert len(self.acked) >= n, \
            f"only {len(self.acked)} signups acknowledged: {self.refused[-3:]} {self.unanswered[-3:]}"


def test_signups_survive_a_failover_with_nothing_acknowledged_lost(pg_pair, tmp_path):
    assert pg_pair.sync_state() == "sync"
    srv = server_on(pg_pair, tmp_path)
    org = srv.init("A")
    with srv.start():
        c = srv.client(org["api_key"])
        load = SignupLoad(c)
        load.thread.start()
        load.wait_for(100)
        before = len(load.acked)
        fail_over(pg_pair)
        load.wait_for(before + 100, timeout=90)  # the node goes on, on the new primary
        load.stop.set()
        load.thread.join(150)
        assert not load.thread.is_alive()
        assert srv.running(), "tocsin serve died in the failover:\n" + srv.log_tail()
        # The writer's connection was to the crashed primary: the next commit found it gone and went through
        # the reconnect-and-prove path (failover_commit.h).
        assert "reconnecting to learn its outcome" in srv.log_tail(200000)
        # The node's writer claim (one writing node per database) went with the crashed primary's session and
        # was taken again on the new primary (store/postgres/writer_claim.h), within the claim's next checks.
        wait_until("the writer claim re-taken", lambda: "writer claim is held again" in srv.log_tail(200000), 10)

        # Every acknowledged signup is readable through the API (served from the new primary's rows).
        for email, pid in load.acked.items():
            r = c.get(f"people/{pid}")
            assert r.status_code == 200, (email, r.status_code, r.text[:200])
            assert [e["address"] for e in r.json()["email_addresses"]] == [email]

        # And in the promoted standby's tables, exactly: the node answered every request (a request waits
        # for its commit through the failover), and an answer that was not 200 wrote nothing. (None is
        # expected today; a read refused during the failover window would be one.)
        db = PgDb(pg_pair.standby_url)
        ids = {row[0] for row in db.execute("SELECT id FROM people WHERE org_id = ?", (org["org_id"],))}
        assert set(load.acked.values()) <= ids, "an acknowledged signup is missing from the new primary"
        assert not load.unanswered, load.unanswered[:5]
        assert len(ids) == len(load.acked), (len(ids), len(load.acked), load.refused[:5])
        ledger = db.execute("SELECT count(*) FROM ledger WHERE org_id = ?", (org["org_id"],)).fetchone()[0]
        assert ledger == len(load.acked), "one consent entry per subscribed signup, none twice"

    # The consent ledger's hash chain is whole across the failover.
    r = srv.cli("ledger", "verify", "--data", srv.data_dir, check=False)
    assert r.returncode == 0 and r.stdout.lstrip().startswith("ok"), r.stdout + r.stderr


def test_a_blast_running_over_a_failover_finishes_with_nobody_mailed_twice(pg_pair, tmp_path, smtp_sink,
                                                                         local_dns):
    people = 200
    srv = server_on(pg_pair, tmp_path)
    org = srv.init("A")
    cli = ["--data", str(srv.data_dir), "--org", org["org_id"]]
    srv.cli("settings", *cli, "--postal-address", "1 Main St, Springfield, IL 62701")
    added = srv.json_line(srv.cli("domain", "add", *cli, DOMAIN).stdout)
    dns = local_dns(sending_domain_records(added))
    assert srv.json_line(srv.cli("domain", "verify", *cli, DOMAIN, "--dns", dns.forwarder).stdout)["verified"]
    sink = smtp_sink()
    srv.port = free_port()
    srv.write_config(server={"public_url": f"https://127.0.0.1:{srv.port}"},
                     sections={"email": {"smtp_host": "127.0.0.1", "smtp_port": sink.port, "smtp_starttls": "off",
                                         "smtp_connections": 4, "smtp_max_per_second": 50,
                                         "mail_domain": "mail.example.org"}})
    with srv.start():
        c = srv.client(org["api_key"])
        assert c.post("tags", json={"name": "volunteers"}).status_code == 200
        for i in range(people):
            r = c.post("people", json={"person": {"email_addresses": [{"address": f"p{i}@example.net",
                                                                       "status": "subscribed"}]},
                                       "add_tags": ["volunteers"]})
            assert r.status_code == 200, r.text
        tag = next(t for t in c.get("tags").json()["_embedded"]["osdi:tags"] if t["name"] == "volunteers")
        mid = create_message(c, tag["_links"]["self"]["href"])
        assert c.post(f"messages/{mid}/send", json={}).status_code == 200

        deadline = time.time() + 30
        while len(list(sink.dump_dir.iterdir())) < 40 and time.time() < deadline:
            time.sleep(0.05)
        fail_over(pg_pair)
        mid_way = len(sink.messages())
        assert mid_way < people, "the blast finished before the failover: nothing tested"

        m = wait_status(c, mid, "sent", timeout=120)
        assert srv.running(), srv.log_tail()
        stats = m["statistics"]
        recipients = [str(message_from_bytes(raw, policy=default_policy)["To"]) for raw in sink.messages()]
        assert len(recipients) == len(set(recipients)), "somebody got the message twice"
        # Every recipient reached a terminal state: handed over once (nobody is left queued or in hand-over,
        # and nobody is `unknown`: the node never stopped, so every hand-over's outcome was recorded).
        assert stats["sent"] == people and stats.get("tocsin:unknown", 0) == 0, stats
        assert set(recipients) == {f"p{i}@example.net" for i in range(people)}
        db = PgDb(pg_pair.standby_url)
        states = db.execute("SELECT state, count(*) FROM deliveries WHERE org_id = ? AND message_id = ? "
                            "GROUP BY state", (org["org_id"], mid)).fetchall()
        assert sum(n for _, n in states) == people, states
        assert all(int(s) not in (0, 1, 2) for s, _ in states), f"queued, deferred or in hand-over: {states}"
    r = srv.cli("ledger", "verify", "--data", srv.data_dir, check=False)
    assert r.returncode == 0, r.stdout + r.stderr


def test_a_commit_whose_answer_is_lost_is_proven_committed_and_not_applied_twice(tmp_path):
    """The case a failover can produce and a blind retry would get wrong: the transaction committed, the
    answer never arrived. The proxy lets one write transaction reach the server and cuts the connection as
    the answer starts; the node reconnects, sends the batch again with the same commit marker, the marker's
    key proves the first commit, and nothing is written twice."""
    from urllib.parse import urlsplit

    from fixtures.pg_cut_proxy import CutProxy

    srv = TocsinServer(tmp_path / "data")  # a database of its own in the suite's cluster
    org = srv.init("A")
    u = urlsplit(srv.database_url)
    proxy = CutProxy(u.hostname, u.port).start()
    try:
        srv.env["TOCSIN_DATABASE_URL"] = srv.database_url.replace(f":{u.port}/", f":{proxy.port}/")  # serve only
        with srv.start():
            c = srv.client(org["api_key"])
            emails = [f"c{i}@example.net" for i in range(10)]
            ids = [an_id(c.signup(emails[0], email_status="subscribed"))]
            proxy.arm()
            for email in emails[1:]:
                ids.append(an_id(c.signup(email, email_status="subscribed")))
            assert proxy.cuts == 1, "the proxy cut no commit's answer: nothing tested"
            assert srv.running()
            log = srv.log_tail(20000)
            assert "had committed before the connection was lost" in log, log
            for email, pid in zip(emails, ids):
                assert c.ok("GET", f"people/{pid}")["email_addresses"][0]["address"] == email
        db = srv.db()
        people = db.execute("SELECT count(*) FROM people WHERE org_id = ?", (org["org_id"],)).fetchone()[0]
        ledger = db.execute("SELECT count(*) FROM ledger WHERE org_id = ?", (org["org_id"],)).fetchone()[0]
        assert (people, ledger) == (len(emails), len(emails))
        r = srv.cli("ledger", "verify", "--data", srv.data_dir, check=False)
        assert r.returncode == 0 and r.stdout.lstrip().startswith("ok"), r.stdout + r.stderr
    finally:
        proxy.stop()
