// The platform operator's consent-evidence commands (docs/PRIVACY.md):
//   tocsin complaint open --data DIR --org ORG (--contacts FILE | --message ID | --sender NUMBER | --list ID)
//                         [--deadline 24h] [--note TEXT]
//     opens a request (org document `evidence_request`); a running server's clock suspends the organization's
//     messaging when the deadline passes unanswered. Prints {"id", "deadline", "contact_count"}.
//   tocsin evidence packet --data DIR --org ORG (--request ID | --contacts FILE | --message ID | --sender N |
//                          --list ID) --out FILE
//     writes the signed packet (privacy/evidence_packet.h); does not answer the request (the organization
//     answers through the API). Prints {"out", "sha256", "contact_count", "chain_verified"}.
//   tocsin evidence public-key --data DIR: the Ed25519 public key packets are signed with (base64).
// Each runs from its CLI11 callback and ends the parse by throwing CLI::RuntimeError(exit code).
#pragma once

#include <CLI/CLI.hpp>

#include <optional>
#include <string_view>

namespace tocsin {

void add_privacy_commands(CLI::App& app, CLI::App& evidence);

// "24h", "30m", "3s", "2d" in microseconds; nullopt if malformed or not positive.
std::optional<int64_t> parse_duration_micros(std::string_view s);

}  // namespace tocsin
