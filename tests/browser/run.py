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
from tocsin_server import TocsinServer  # noqa: E402


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
        srv.make_ready_to_send(org, Path(tmp))
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
