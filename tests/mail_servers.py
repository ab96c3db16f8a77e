"""Real mail servers for tests, run as the current user on loopback with free ports, config in a temp dir.

    sink = SmtpSink(tmp_path / "sink").start()             # Postfix smtp-sink capturing every message
    sink = SmtpSink(dir, reject="RCPT", reply="550 5.1.1 <x>: User unknown").start()   # answers 5xx to RCPT
    sink.port; sink.messages()                             # [bytes]: each captured message, CRLF, as sent
    dns = LocalDns(tmp_path / "dns", {"s1._domainkey.example.org": "v=DKIM1; k=rsa; p=..."}).start()
    dns.port; dns.forwarder ("127.0.0.1@PORT", for libunbound); dns.resolver() (dnspython)
    relay = PostfixRelay(tmp_path / "postfix", relayhost_port=sink.port).start()   # a private Postfix instance
    relay.port; relay.log()
    ... .stop()  (the pytest fixtures in tests/integration/conftest.py stop them for you)

PostfixRelay is a complete private instance (own main.cf/master.cf, queue and data directories in the temp
dir, no chroot, inet_interfaces=127.0.0.1, logging to a file through postlogd) started with
`postfix -c DIR start`. Running as root works: the queue is created by `postfix check`, the data directory is
handed to the mail_owner (postfix), and the log file prefix is allowed through maillog_file_prefixes; as root the
instance lives in its own /tmp/tocsin-postfix-* directory (mode 0755, removed at stop), because Postfix's
daemons, running as `postfix`, cannot enter pytest's 0700 temp dirs. No system configuration is touched. Postfix's own diagnostics go to syslog, which a container usually lacks;
they are captured by running the command under `script` (a pty makes Postfix also print to stderr).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from tocsin_server import free_port


def _wait_port(port: int, proc: subprocess.Popen | None, what: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{what} exited with status {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{what} did not listen on port {port}")


def _stop(proc: subprocess.Popen | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _drop_user() -> list[str]:
    """smtp-sink must be told whom to become when it runs as root."""
    return ["-u", "nobody"] if os.geteuid() == 0 else []


class SmtpSink:
    """Postfix smtp-sink on loopback. With `capture`, every transaction is dumped to its own file.

    reject: SMTP commands answered with a hard (5xx) error (smtp-sink -f), e.g. "RCPT";
    defer:  commands answered with a soft (4xx) error (smtp-sink -r);
    reply:  the text of that error reply (smtp-sink -B for hard, -b for soft).
    """

    def __init__(self, workdir: Path, capture: bool = True, reject: str = "", defer: str = "", reply: str = ""):
        self.workdir = Path(workdir)
        self.capture = capture
        self.reject, self.defer, self.reply = reject, defer, reply
        self.port = 0
        self.proc: subprocess.Popen | None = None
        self.dump_dir = self.workdir / "dump"

    def start(self) -> "SmtpSink":
        self.workdir.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            # smtp-sink writes as the user it drops to, who cannot enter pytest's private (0700) temp dirs
            self.dump_dir = Path(tempfile.mkdtemp(prefix="tocsin-sink-"))
            self.dump_dir.chmod(0o777)
        else:
            self.dump_dir = self.workdir / "dump"
            self.dump_dir.mkdir()
        self.port = free_port()
        args = ["smtp-sink", *_drop_user(), "-m", "512"]
        if self.capture:
            args += ["-d", str(self.dump_dir) + "/"]
        if self.reject:
            args += ["-f", self.reject] + (["-B", self.reply] if self.reply else [])
        if self.defer:
            args += ["-r", self.defer] + (["-b", self.reply] if self.reply else [])
        args += [f"127.0.0.1:{self.port}", "1024"]
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=open(self.workdir / "stderr", "wb"))
        _wait_port(self.port, self.proc, "smtp-sink")
        return self

    def messages(self) -> list[bytes]:
        """The captured messages as the client sent them: smtp-sink's own X-* and Received lines removed,
        line ends back to CRLF (the dump uses LF). A dump smtp-sink has only begun to write (its Received
        field not there yet) is left for the next call: callers poll until the count they expect."""
        out = []
        for f in sorted(self.dump_dir.iterdir()):
            lines = f.read_bytes().split(b"\n")
            # smtp-sink's header ends with a three-line Received: field
            at = next((i for i, line in enumerate(lines) if line.startswith(b"Received: ")), None)
            if at is None:
                continue
            body = lines[at + 3:]
            if body and body[-1] == b"":
                body = body[:-1]
            if body and body[-1] == b"":  # the empty line smtp-sink appends after each message
                body = body[:-1]
            out.append(b"".join(line + b"\r\n" for line in body))
        return out

    def stop(self) -> None:
        _stop(self.proc)
        if os.geteuid() == 0 and self.dump_dir.exists():
            shutil.rmtree(self.dump_dir, ignore_errors=True)


def sending_domain_records(added: dict, dmarc: str | None = "v=DMARC1; p=reject",
                           spf: str | None = "v=spf1 mx ~all") -> dict[str, str]:
    """The TXT records a sending domain publishes, from `tocsin domain add`'s output `added`: its DKIM key, and
    at the domain an SPF record and at _dmarc.<domain> a DMARC record, which blasts need (docs/MAIL.md
    "Bulk-sender checks"). None leaves one out."""
    records = {added["dns_name"]: added["dns_value"]}
    if dmarc is not None:
        records[f"_dmarc.{added['domain']}"] = dmarc
    if spf is not None:
        records[added["domain"]] = spf
    return records


class LocalDns:
    """dnsmasq answering TXT records from `records` (name -> text) on a loopback port, authoritative-like for
    the records' domains (other names in them are NXDOMAIN, not forwarded anywhere)."""

    def __init__(self, workdir: Path, records: dict[str, str]):
        self.workdir = Path(workdir)
        self.records = dict(records)
        self.port = 0
        self.proc: subprocess.Popen | None = None

    @property
    def forwarder(self) -> str:
        return f"127.0.0.1@{self.port}"

    def start(self) -> "LocalDns":
        self.workdir.mkdir(parents=True, exist_ok=True)
        conf = self.workdir / "dnsmasq.conf"
        lines = ["no-resolv", "no-hosts", "bind-interfaces", "listen-address=127.0.0.1"]
        zones = set()
        for name, text in self.records.items():
            # dnsmasq splits a text longer than 255 bytes into several character-strings itself
            lines.append(f'txt-record={name},"{text}"')
            zones.add(".".join(name.split(".")[-2:]))
        lines += [f"local=/{zone}/" for zone in sorted(zones)]
        conf.write_text("\n".join(lines) + "\n")
        self.port = free_port()
        args = ["dnsmasq", "--keep-in-foreground", f"--conf-file={conf}", f"--port={self.port}",
                f"--pid-file={self.workdir / 'dnsmasq.pid'}", f"--log-facility={self.workdir / 'dnsmasq.log'}"]
        if os.geteuid() == 0:
            args.append("--user=root")  # otherwise it drops to "nobody" and cannot write its pid file
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=open(self.workdir / "stderr", "wb"))
        _wait_port(self.port, self.proc, "dnsmasq")  # it serves TCP on the same port
        return self

    def resolver(self):
        import dns.resolver

        r = dns.resolver.Resolver(configure=False)
        r.nameservers = ["127.0.0.1"]
        r.port = self.port
        return r

    def stop(self) -> None:
        _stop(self.proc)


MASTER_CF = """\
127.0.0.1:{port} inet n - n - - smtpd
pickup    unix  n - n 60   1 pickup
cleanup   unix  n - n -    0 cleanup
qmgr      unix  n - n 300  1 qmgr
rewrite   unix  - - n -    - trivial-rewrite
bounce    unix  - - n -    0 bounce
defer     unix  - - n -    0 bounce
trace     unix  - - n -    0 bounce
verify    unix  - - n -    1 verify
flush     unix  n - n 1000 0 flush
proxymap  unix  - - n -    - proxymap
smtp      unix  - - n -    - smtp
relay     unix  - - n -    - smtp
showq     unix  n - n -    - showq
error     unix  - - n -    - error
retry     unix  - - n -    - error
discard   unix  - - n -    - discard
anvil     unix  - - n -    1 anvil
scache    unix  - - n -    1 scache
postlog   unix-dgram n - n - 1 postlogd
"""


class PostfixRelay:
    """A private Postfix instance: accepts mail from loopback on `port` and relays it to
    127.0.0.1:`relayhost_port` (e.g. an SmtpSink). `extra_main_cf` lines are appended to main.cf (e.g. a
    transport map with a pipe service for the bounce path, with matching `extra_master_cf` lines)."""

    def __init__(self, workdir: Path, relayhost_port: int, extra_main_cf: str = "", extra_master_cf: str = ""):
        self.workdir = Path(workdir).resolve()
        self.relayhost_port = relayhost_port
        self.extra_main_cf, self.extra_master_cf = extra_main_cf, extra_master_cf
        self.port = 0
        self.started = False
        self.own_workdir = False

    @property
    def config_dir(self) -> Path:
        return self.workdir / "etc"

    def _postfix(self, *args: str) -> str:
        cmd = " ".join(["postfix", "-c", str(self.config_dir), *args])
        # under a pty Postfix also prints its diagnostics (otherwise syslog only)
        r = subprocess.run(["script", "-qec", cmd, "/dev/null"], capture_output=True, text=True, timeout=60)
        if r.returncode != 0:
            raise RuntimeError(f"{cmd} failed: {r.stdout}{r.stderr}{self.log()}")
        return r.stdout

    def start(self) -> "PostfixRelay":
        if not shutil.which("postfix"):
            raise RuntimeError("postfix is not installed (scripts/install-deps test)")
        if os.geteuid() == 0:
            # Postfix's daemons run as mail_owner and must traverse to the queue and data directories, which
            # they cannot inside pytest's private (0700) temp dirs.
            self.workdir = Path(tempfile.mkdtemp(prefix="tocsin-postfix-"))
            self.workdir.chmod(0o755)
            self.own_workdir = True
        for d in ("etc", "queue", "data"):
            (self.workdir / d).mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.workdir / "data", user="postfix")
        self.port = free_port()
        w = self.workdir
        (self.config_dir / "main.cf").write_text(f"""\
compatibility_level = 3.6
queue_directory = {w}/queue
data_directory = {w}/data
maillog_file = {w}/maillog
maillog_file_prefixes = {w}
mail_owner = postfix
setgid_group = postdrop
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
myhostname = relay.test
mydomain = relay.test
myorigin = relay.test
mydestination =
mynetworks = 127.0.0.0/8
relayhost = [127.0.0.1]:{self.relayhost_port}
smtpd_relay_restrictions = permit_mynetworks, reject
smtp_host_lookup = native
alias_maps =
alias_database =
{self.extra_main_cf}
""")
        (self.config_dir / "master.cf").write_text(MASTER_CF.format(port=self.port) + self.extra_master_cf)
        self._postfix("check")
        self._postfix("start")
        self.started = True
        _wait_port(self.port, None, "postfix smtpd")
        return self

    def flush(self) -> None:
        """Attempts every deferred message now (`postfix flush`)."""
        self._postfix("flush")

    def log(self) -> str:
        p = self.workdir / "maillog"
        return p.read_text(errors="replace") if p.exists() else ""

    def wait_log(self, pattern: str, count: int = 1, timeout: float = 30.0) -> list[str]:
        """Waits until `pattern` (a regex) matches `count` log lines; returns them."""
        deadline = time.monotonic() + timeout
        while True:
            hits = [line for line in self.log().splitlines() if re.search(pattern, line)]
            if len(hits) >= count or time.monotonic() > deadline:
                return hits
            time.sleep(0.1)

    def stop(self) -> None:
        if self.started:
            self._postfix("stop")
            self.started = False
        if self.own_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)


class RecordingSmtpSink:
    """A minimal SMTP server on loopback that accepts everything and records, for each transaction, when its
    MAIL FROM arrived (time.time(), the clock the test's client reads too) and its RCPT TO addresses.

    Written here rather than with smtp-sink because the race tests need the instant each transaction began
    and for whom, which smtp-sink's dumps do not carry; Python's own smtpd is gone since 3.12.

        sink = RecordingSmtpSink().start()
        sink.port; sink.transactions()   # [(t_mail_from, [rcpt, ...], accepted)], in arrival order
        sink = RecordingSmtpSink(stall_after=40)   # accepts 40, then holds every further DATA unanswered
        sink.stalled(); sink.release()              # how many are held; let them go (connection closed)
    """

    def __init__(self, stall_after: int | None = None):
        import threading

        self.port = 0
        self.stall_after = stall_after
        self._lock = threading.Lock()
        self._tx: list[tuple[float, list[str], bool]] = []
        self._stalled: list[list[str]] = []
        self._release = threading.Event()
        self._server = None
        self._thread = None

    def start(self) -> "RecordingSmtpSink":
        import socketserver
        import threading

        sink = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self):
                w = self.wfile
                w.write(b"220 sink.test ESMTP\r\n")
                mail_at, rcpts = None, []
                while True:
                    line = self.rfile.readline()
                    if not line:
                        return
                    cmd = line.strip().upper()
                    if cmd.startswith(b"EHLO"):
                        w.write(b"250-sink.test\r\n250 8BITMIME\r\n")
                    elif cmd.startswith(b"HELO"):
                        w.write(b"250 sink.test\r\n")
                    elif cmd.startswith(b"MAIL FROM"):
                        mail_at, rcpts = time.time(), []
                        w.write(b"250 2.1.0 Ok\r\n")
                    elif cmd.startswith(b"RCPT TO"):
                        addr = line.strip()[8:].decode(errors="replace").strip().strip("<>")
                        rcpts.append(addr)
                        w.write(b"250 2.1.5 Ok\r\n")
                    elif cmd == b"DATA":
                        w.write(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                        w.flush()
                        while True:
                            d = self.rfile.readline()
                            if not d or d == b".\r\n" or d == b".\n":
                                break
                        with sink._lock:
                            stall = sink.stall_after is not None and not sink._release.is_set() and \
                                sum(1 for t in sink._tx if t[2]) >= sink.stall_after
                            if stall:
                                sink._stalled.append(rcpts)
                            else:
                                sink._tx.append((mail_at, rcpts, True))
                        if stall:  # the message is with us, unanswered: maybe delivered, maybe not
                            sink._release.wait()
                            return
                        mail_at, rcpts = None, []
                        w.write(b"250 2.0.0 Ok: queued\r\n")
                    elif cmd == b"RSET":
                        if mail_at is not None:
                            with sink._lock:
                                sink._tx.append((mail_at, rcpts, False))
                        mail_at, rcpts = None, []
                        w.write(b"250 2.0.0 Ok\r\n")
                    elif cmd == b"NOOP":
                        w.write(b"250 2.0.0 Ok\r\n")
                    elif cmd == b"QUIT":
                        w.write(b"221 2.0.0 Bye\r\n")
                        return
                    else:
                        w.write(b"502 5.5.2 Error: command not recognized\r\n")
                    w.flush()

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        self._server = Server(("127.0.0.1", 0), Handler)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def transactions(self) -> list[tuple[float, list[str], bool]]:
        with self._lock:
            return list(self._tx)

    def count(self) -> int:
        with self._lock:
            return len(self._tx)

    def stalled(self) -> list[list[str]]:
        with self._lock:
            return list(self._stalled)

    def release(self) -> None:
        self._release.set()

    def stop(self) -> None:
        self._release.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


class Spamd:
    """SpamAssassin's spamd on loopback, started in the foreground (no daemonizing) from a temp dir:
    -L (local tests only: no DNS blocklists, no network), -x (no per-user configs), the site config of
    /etc/spamassassin (its .pre files load the plugins) and the rules Debian ships in /usr/share/spamassassin
    (used when sa-update never ran), one child. As root it must be told whom to become (-u nobody)."""

    def __init__(self, workdir: Path):
        self.workdir = Path(workdir)
        self.port = 0
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 90.0) -> "Spamd":
        self.workdir.mkdir(parents=True, exist_ok=True)
        home = Path(tempfile.mkdtemp(prefix="tocsin-spamd-"))  # writable by the user spamd becomes
        home.chmod(0o777)
        self.port = free_port()
        args = ["spamd", "-L", "-x", f"--listen=127.0.0.1:{self.port}", "--min-children=1", "--max-children=1",
                "--syslog=stderr", f"--helper-home-dir={home}", "--siteconfigpath=/etc/spamassassin"]
        if os.geteuid() == 0:
            args += ["-u", "nobody"]
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=open(self.workdir / "spamd.log", "wb"))
        _wait_port(self.port, self.proc, "spamd", timeout=timeout)  # it compiles its rules before listening
        return self

    def log(self) -> str:
        return (self.workdir / "spamd.log").read_text(errors="replace")[-4000:]

    def stop(self) -> None:
        _stop(self.proc)
