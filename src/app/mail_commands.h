// Mail commands:
// - `tocsin ingest-mail --data D [--url URL] [--recipient ADDR]` reads ONE message on stdin (a Postfix pipe
//   transport: docs/MAIL.md) and applies it (messaging/mail_ingest.h). Exit 0 when it was applied or
//   deliberately ignored (malformed, not ours), 75 (EX_TEMPFAIL) only when it could not be stored, so
//   Postfix keeps it and retries, 64 (EX_USAGE) for a wrong command line.
//   Where it applies: a running server holds the data directory's lock and its own copy of the ledger's
//   chain head and the projection, so a second writer would fork the chain; the CLI therefore posts the
//   message to the server (POST /mail/inbound, `--url` or http://<[server] listen>, secret `[email]
//   ingest_secret`), which answers after its commit. Only when no server runs does it take the lock and
//   apply directly. Either way the exit code 0 comes after the write is durable.
// - `tocsin mail-links --data D --org O --message M --seq N [--person P]` prints the addresses and links
//   one delivery's message carries (bounce address, X-Tocsin-Delivery, Message-ID, the unsubscribe URL and
//   mailto), for operators checking a report and for tests.
#pragma once

#include <CLI/CLI.hpp>

namespace tocsin {

void add_mail_commands(CLI::App& app);

}  // namespace tocsin
