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
from fixtures.checkout_standin import CheckoutStandIn  # noqa: E402
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
        # Donations (fundraising.test.js) go to the Stripe stand-in, which calls the server back.
        checkout = CheckoutStandIn("sk_test_browser_secret_key", "whsec_browser_webhook_secret").__enter__()
        (Path(tmp) / "stripe.key").write_text(checkout.secret_key)
        (Path(tmp) / "stripe.whsec").write_text(checkout.webhook_secret)
        srv.write_config(sections={"payments": {
            "provider": "stripe", "api_base": checkout.base_url, "checkout_origin": checkout.base_url,
            "secret_key_file": str(Path(tmp) / "stripe.key"), "webhook_secret_file": str(Path(tmp) / "stripe.whsec")}})
        srv.start()
        checkout.webhook_url = srv.base + "/payments/webhook"
        try:
            env = dict(os.environ, TOCSIN_BASE=srv.base, TOCSIN_API_KEY=org["api_key"],
                       TOCSIN_ARTIFACTS=str(artifacts), NODE_PATH=str(deps / "node_modules"),
                       TOCSIN_OUTBOX=str(srv.data_dir / "outbox"), TOCSIN_CHECKOUT=checkout.base_url,
                       # console tests create their staff with `tocsin user create` (console_import.test.js)
                       TOCSIN_DATA=str(srv.data_dir), TOCSIN_ORG=org["org_id"],
                       TOCSIN_BIN_PATH=str(Path(os.environ.get("TOCSIN_BIN", build / "tocsin")).resolve()))
            # TOCSIN_BROWSER_ONLY=console_import runs one file (a glob without ".test.js"); default: all.
            tests = sorted(str(p) for p in HERE.glob(os.environ.get("TOCSIN_BROWSER_ONLY", "*") + ".test.js"))
            rc = subprocess.run(["node", "--test", "--test-concurrency=1", *tests], env=env).returncode
            if checkout.problems:  # requests Stripe would not have accepted
                print("checkout stand-in:", *checkout.problems, sep="\n  ")
                rc = rc or 1
            return rc
        finally:
            srv.stop()
            checkout.__exit__()


if __name__ == "__main__":
    sys.exit(main())
