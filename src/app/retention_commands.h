// An organization's retention policy from the command line (privacy/retention.h, docs/PRIVACY.md
// "Retention"):
//   tocsin privacy retention --data DIR --org ORG [--inactive-months N] [--evidence-days N]
//                            [--inbound-days N] [--dry-run]
// With any of the three values, sets them (0 keeps that data; a running server applies the policy at its
// next sweep). Prints {"policy": {...}, "due": {"inactive_people", "evidence_entries", "inbound_texts"}}:
// what the policy makes due now. Without --dry-run the command then applies it itself, which needs the
// server stopped (a running server sweeps on its own, every [privacy] retention_sweep_seconds).
#pragma once

#include <CLI/CLI.hpp>

namespace tocsin {

void add_retention_command(CLI::App& privacy);

}  // namespace tocsin
