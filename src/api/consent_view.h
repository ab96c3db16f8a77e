// The consent proof of a contact point as JSON: its current status and every ledger entry about it, each
// with its evidence and hashes (GET /people/{id}/consent and `tocsin evidence`).
#pragma once

#include "core/contact_point.h"
#include "core/json_out.h"
#include "store/store.h"

namespace tocsin::api {

// Writes the fields of one contact-point proof into the currently open object (the caller opens and
// closes it, adding its own fields); returns whether every entry verified.
bool write_contact_proof(JsonOut& j, store::OrgScope& scope, const ContactHasher& hasher, Channel channel,
                         const std::string& normalized);

}  // namespace tocsin::api
