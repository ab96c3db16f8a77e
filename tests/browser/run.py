"""Runs the Chromium suite: installs playwright-core (locked, `npm ci`) into the build directory, starts a real
tocsin with two organizations, and runs tests/browser/*.test.js with node's test runner against it.
Debian's /usr/bin/chromium is the browser (playwright-core downloads none). Screenshots go to
$TOCSIN_ARTIFACTS (default <build>/browser-artifacts).

    TOCSIN_BIN=build/tocsin python3 tests/browser/run.py
"""
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
from mail_servers import LocalDns  # noqa: E402
from tocsin_server import TocsinServer  # noqa: E402


def verify_domain(srv: TocsinServer, org: dict, work: Path, domain: str = "example.org"):
    """A verified sending domain and a postal address, so blasts leave (to the data directory's outbox
    folder, where preferences.test.js reads the raw .eml)."""
    data = str(srv.data_dir)
    srv.cli("settings", "--data", data, "--org", org["org_id"], "--postal-address", "1 Main St, Springfield, IL")
    added = srv.json_line(srv.cli("domain", "add", "--data", data, "--org", org["org_id"], domain).stdout)
    dns = LocalDns(work / "dns", {added["dns_name"]: added["dns_value"]}).start()
    try:
        srv.cli("domain", "verify", "--data", data, "--org", org["org_id"], domain, "--dns", dns.forwarder)
    finally:
        dns.stop()


def main() -> int:
    build = Path(os.environ.get("TOCSIN_BIN", HERE.parents[1] / "build" / "tocsin")).resolve().parent
    deps = build / "browser-deps"
    deps.mkdir(exist_ok=True)
    for f in ("package.json", "package-lock.json"):
        shutil.copy(HERE / f, deps / f)
    subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=deps, check=True)
    artifacts = Path(os.environ.get("TOCSIN_ARTIFACTS", build / "browser-artifacts"))
    artifacts.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        srv = TocsinServer(Path(tmp) / "data")
        org = srv.init("Friends of the Bay")
        srv.create_org("Other Org")
        verify_domain(srv, org, Path(tmp))
        srv.write_config()
        srv.start()
        try:
            env = dict(os.environ, TOCSIN_BASE=srv.base, TOCSIN_API_KEY=org["api_key"],
                       TOCSIN_ARTIFACTS=str(artifacts), NODE_PATH=str(deps / "node_modules"),
                       TOCSIN_OUTBOX=str(srv.data_dir / "outbox"))
            tests = sorted(str(p) for p in HERE.glob("*.test.js"))
            return subprocess.run(["node", "--test", "--test-concurrency=1", *tests], env=env).returncode
        finally:
            srv.stop()


if __name__ == "__main__":
    sys.exit(main())
