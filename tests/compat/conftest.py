"""Session server for the API compatibility suites: two organizations (A, B), high limits.

Org A also gets a small list (imported before `serve`, since import locks the data directory);
the import's CompletedProcess is kept in `server.list_import` for the list tests to check.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pytest  # noqa: E402

from tocsin_server import TocsinServer, unique_email  # noqa: E402

LIST_NAME = "Compat Import List"


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("tocsin-compat")
    srv = TocsinServer(root / "data")
    srv.init("A")
    srv.create_org("B")
    csv = root / "list.csv"
    srv.list_emails = [unique_email("listed") for _ in range(3)]
    csv.write_text("email\n" + "\n".join(srv.list_emails) + "\n")
    try:
        srv.list_import = srv.cli("import", "--data", srv.data_dir, "--org", srv.orgs["A"]["org_id"], csv,
                                  "--list", LIST_NAME, check=False)
    except Exception as e:  # a missing/hanging import must only fail the list tests
        srv.list_import = e
    srv.list_name = LIST_NAME
    srv.write_config()
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def org_a(server):
    return server.orgs["A"]


@pytest.fixture(scope="session")
def org_b(server):
    return server.orgs["B"]


@pytest.fixture()
def a(server, org_a):
    """Client with org A's key."""
    return server.client(org_a["api_key"])


@pytest.fixture()
def b(server, org_b):
    """Client with org B's key."""
    return server.client(org_b["api_key"])


@pytest.fixture()
def anon(server):
    """Client without a key (blind posts, entry point)."""
    return server.client(None)
