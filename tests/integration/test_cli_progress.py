"""Progress of long CLI work (app/progress.h): on a terminal (standard error a pseudo-terminal here, the pty
module) `tocsin import` and `tocsin export` draw a bar with the percentage and the time left; off a terminal
they draw nothing, and standard output holds only the command's one JSON summary line, in the shape it had."""
import json
import os
import pty
import re
import select
import subprocess

from tocsin_server import TocsinServer

ROWS = 5000  # the importer reports every 1,024 rows: several draws before the last one
BAR = re.compile(r"\[[#-]{24}\] +(\d+)%  [^\r\n]*? ETA (\d+:\d\d|\?)")


def run_on_tty(srv, *args):
    """Runs the CLI with standard error on a pseudo-terminal; returns (exit code, stdout, what the terminal got)."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([srv.binary, *map(str, args)], stdout=subprocess.PIPE, stderr=slave,
                            stdin=subprocess.DEVNULL, env=srv.proc_env)
    os.close(slave)
    tty = b""
    while True:
        ready, _, _ = select.select([master], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the child closed the terminal (EIO)
            break
        if not chunk:
            break
        tty += chunk
    out = proc.stdout.read().decode()
    proc.wait(timeout=60)
    os.close(master)
    return proc.returncode, out, tty.decode(errors="replace")


def people_csv(path, n):
    with open(path, "w") as f:
        f.write("email,first_name\n")
        for i in range(n):
            f.write(f"p{i}@example.org,P{i}\n")


def test_import_and_export_draw_a_bar_on_a_terminal_and_only_json_off_it(tmp_path):
    srv = TocsinServer(tmp_path / "data")
    a = srv.init("A")
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    people_csv(first, ROWS)
    people_csv(second, ROWS)
    basis = ["--source", "https://example.org/form v1", "--consent-date", "2024-05-01T10:00:00Z",
             "--consent-method", "web_checkbox"]

    code, out, tty = run_on_tty(srv, "import", "--data", srv.data_dir, "--org", a["org_id"], first, *basis)
    assert code == 0, (out, tty)
    bars = BAR.findall(tty)
    assert bars, f"no progress bar on the terminal: {tty!r}"
    assert bars[-1][0] == "100" and f"{ROWS:,} rows" in tty, tty
    assert all(b[1] == "?" or re.fullmatch(r"\d+:\d\d", b[1]) for b in bars)
    assert "importing " in tty and "\r\x1b[K" in tty, "redrawn in place"
    summary = json.loads(out.strip())  # standard output: still the one JSON line
    assert out.count("\n") == 1 and summary["rows"] == ROWS and summary["imported"] == ROWS

    # Off a terminal: nothing on standard error, one JSON line of the same shape on standard output.
    r = srv.cli("import", "--data", srv.data_dir, "--org", a["org_id"], second, *basis)
    assert r.stderr == "", r.stderr
    lines = r.stdout.splitlines()
    assert len(lines) == 1
    plain = json.loads(lines[0])
    assert set(plain) == set(summary) and plain["rows"] == ROWS and plain["imported"] == ROWS

    # The same reporter draws the export (to a file; the CSV is not on the terminal).
    csv_out = tmp_path / "out.csv"
    code, out, tty = run_on_tty(srv, "export", "--data", srv.data_dir, "--org", a["org_id"], "--out", csv_out)
    assert code == 0, (out, tty)
    bars = BAR.findall(tty)
    assert bars and bars[-1][0] == "100" and f"{ROWS:,}/{ROWS:,} people" in tty, tty
    assert json.loads(out) == {"exported": ROWS, "out": str(csv_out)}
    assert sum(1 for _ in open(csv_out)) == ROWS + 1
    r = srv.cli("export", "--data", srv.data_dir, "--org", a["org_id"], "--out", csv_out)
    assert "[" not in r.stderr and json.loads(r.stdout)["exported"] == ROWS
