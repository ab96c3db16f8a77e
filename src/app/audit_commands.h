// The access log from the command line (privacy/access_log.h, docs/PRIVACY.md "Access log"):
//   tocsin audit --data DIR --org ORG [--person ID] [--since ISO8601] [--limit N]
//     prints the entries one JSON line each, in order: with --person, those naming the person and every
//     bulk read that may have included them ("bulk": true) — the answer to "who looked at this person?".
//   tocsin audit --data DIR --org ORG --verify
//     recomputes the chain; prints {"entries", "verified", "broken_seq", "problem"}; exit status 1 if broken.
//   tocsin disclosures --data DIR --org ORG [--person ID] [--since ISO8601] [--limit N]
//   (= tocsin audit --disclosures ...) the entries that are disclosures (privacy/disclosure_log.h): to whom
//     supporters' data went, what and under which basis; with --person, "who received my data?".
// Reading the log is not logged (it holds person ids and staff addresses, not supporters' data).
#pragma once

#include <CLI/CLI.hpp>

namespace tocsin {

void add_audit_commands(CLI::App& app);

}  // namespace tocsin
