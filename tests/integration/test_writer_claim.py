"""One writing node per PostgreSQL database (store/postgres/writer_claim.h; docs/SCALE.md "Nodes").

A node assigns the ledger chain's next position in memory and learns other writers' changes only at start,
so a second `tocsin serve` (or `import`) on the same database — from another data directory holding the same
secrets, as a second machine would — is refused with a 409-style message naming the reason, and the first
node goes on serving. Once the first stops, the second starts. On SQLite the database file is in the data
directory, whose lock refuses the same (test_cli.py and others cover it), so this file runs on PostgreSQL."""
import shutil

import pytest

from fixtures.postgres import backend
from tocsin_server import CliError, TocsinServer, unique_email

pytestmark = pytest.mark.skipif(backend() != "postgresql",
                                reason="two data directories on one database: a PostgreSQL installation's nodes")


def second_node(first: TocsinServer, path) -> TocsinServer:
    two = TocsinServer(path)
    shutil.copytree(first.data_dir, two.data_dir, ignore=shutil.ignore_patterns("*.log", "tocsin.lock"))
    shutil.copy(first.kek_path, two.kek_path)
    two.database_url = first.database_url
    two.env["TOCSIN_DATABASE_URL"] = two.cli_env["TOCSIN_DATABASE_URL"] = first.database_url
    return two


def test_a_second_node_on_one_database_is_refused_until_the_first_stops(tmp_path):
    one = TocsinServer(tmp_path / "one")
    org = one.init("Claimed")
    one.start()
    two = second_node(one, tmp_path / "two")
    try:
        api = one.client(org["api_key"])
        api.ok("POST", "people", json={"person": {"email_addresses": [{"address": unique_email()}]}})

        with pytest.raises(CliError) as refused:
            two.start(timeout=20)
        assert "another tocsin node" in str(refused.value) and "already writes this database" in str(refused.value)

        rows = tmp_path / "people.csv"
        rows.write_text(f"email\n{unique_email()}\n")
        imp = two.cli("import", "--data", two.data_dir, "--org", org["org_id"], str(rows), check=False)
        assert imp.returncode != 0
        assert "already writes this database" in imp.stderr and "stop it before importing" in imp.stderr

        # the first node was not disturbed by either attempt
        assert one.running()
        api.ok("POST", "people", json={"person": {"email_addresses": [{"address": unique_email()}]}})

        one.stop()
        two.start()
        people = two.client(org["api_key"]).ok("GET", "people")["_embedded"]["osdi:people"]
        assert len(people) == 2  # both signups made through the first node, read by the second
    finally:
        two.stop()
        one.stop()
