// The consent proof of a contact point as JSON: its current status and every ledger entry about it, each
// with its evidence and hashes (GET /people/{id}/consent, `tocsin evidence`, and the evidence packets of
// privacy/evidence_packet.h).
#pragma once

#include "core/contact_point.h"
#include "core/json_out.h"
#include "store/store.h"

namespace tocsin::privacy {

// Writes the fields of one contact-point proof into the currently open object (the caller opens and
// closes it, adding its own fields); returns whether every entry verified.
bool write_contact_proof(JsonOut& j, store::OrgScope& scope, const ContactHasher& hasher, Channel channel,
                         const std::string& normalized);

// One ledger entry with its evidence as an object (disclosure_text null when the entry has none); returns
// whether its hash recomputes.
bool write_ledger_entry(JsonOut& j, const store::StoredLedgerEntry& s, const std::string* disclosure_text);

}  // namespace tocsin::privacy
