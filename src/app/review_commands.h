// The content review queue of the platform operator (docs/POLICY.md "Content screening"):
//   tocsin review list    --data DIR [--org ORG]       held messages, one JSON line each, with the findings
//   tocsin review approve --data DIR --org ORG --message ID --by NAME [--note TEXT]
//   tocsin review reject  --data DIR --org ORG --message ID --by NAME --note TEXT
// Approve makes the message a draft approved for exactly its current content (an edit needs a new
// review), so the organization's next send goes; reject stops it with the note, which the organization
// sees on the message. Every decision is recorded first as an audit document (kind "content_review").
// Runs while the server is up: the server applies the changed message within its refresh period.
//
//   tocsin screening load --data DIR FILE [--replace]
// merges a link blocklist (plain domains/URLs, or a URLhaus / PhishTank CSV export) into
// DIR/screening/blocklist.txt, which a running server reloads on its own; with --spam-traps, FILE lists known
// spam-trap addresses and domains, merged into DIR/screening/spam_traps.txt (policy/spam_traps.h).
#pragma once

#include <CLI/CLI.hpp>

namespace tocsin {

void add_review_commands(CLI::App& app);

}  // namespace tocsin
