// One consent-ledger entry: a change of subscription status of one contact point, with its evidence.
//
// Entries form one SHA-256 hash chain per organization: hash = SHA256(prev_hash || canonical(entry)).
// Personal data in an entry (the address, IP, user agent) enters the chain only as digests, so erasing a
// person (blanking those plaintext columns) keeps every later hash verifiable; the contact point itself is
// identified by its keyed hash (core/contact_point.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "consent/scope.h"
#include "consent/status.h"
#include "core/clock.h"
#include "core/contact_point.h"

namespace tocsin::consent {

// Who and what caused a change: filled in by the entry point (API handler, importer, keyword handler...).
struct Evidence {
  std::string actor;   // "api_key:<key id>", "import:<batch id>", "anonymous"
  std::string source;  // URL, form id + version, file name
  std::string method;  // "api signup helper", "api update", "csv import", ...
  std::string ip;      // client IP as seen through the configured trusted proxy header only
  std::string user_agent;
  std::string disclosure_text;  // the exact consent language shown, if any
  Micros consent_time = 0;      // when consent was given, if earlier than recording (imports); 0 = now
  // What the consent is for (consent/scope.h; normalized, empty = general) and its legal basis. A subscribing
  // entry always records a basis (plain consent unless the writer names another); other entries carry one
  // only when given. Both are chained when present.
  std::string purpose;
  std::optional<LegalBasis> legal_basis;
};

struct LedgerEntry {
  std::string org_id;
  int64_t seq = 0;  // 1-based, contiguous per organization
  Micros time = 0;  // when recorded
  Channel channel = Channel::kEmail;
  ContactHash contact_hash{};
  std::string contact_ref;  // plaintext address (erasable; chained as a digest)
  std::string person_id;
  Status old_status = Status::kNone;
  Status new_status = Status::kNone;
  Evidence evidence;
  std::string disclosure_hash;  // hex SHA-256 of evidence.disclosure_text, empty if none
  std::string prev_hash;        // hex; 64 zeros for the first entry of an organization
  std::string hash;             // hex
};

inline const std::string kGenesisHash(64, '0');

// Hex SHA-256 of arbitrary bytes.
std::string sha256_hex(std::string_view data);

// The hash of a chained record: hex SHA-256 of each field written as "<byte length>:<field>;" (no separator
// can be forged by a value that contains it). The ledger's entries and the access log's use it.
std::string chained_hash(const std::vector<std::string>& fields);

// Computes entry.disclosure_hash (from the text) and entry.hash (from prev_hash and the canonical form).
void seal(LedgerEntry& entry);

// Recomputes the hash from the stored fields (using the digests when plaintext was erased) and compares.
bool hash_matches(const LedgerEntry& entry, std::string_view ip_digest, std::string_view ua_digest,
                  std::string_view ref_digest);

// The fields the hash covers, in order: hash = SHA256 of each field written as "<byte length>:<field>;".
// Published in evidence packets (privacy/evidence_packet.h) so a third party can recompute an entry's hash.
std::vector<std::string> chained_fields(const LedgerEntry& entry, std::string_view ip_digest,
                                        std::string_view ua_digest, std::string_view ref_digest);

// The digests as stored next to the plaintext (so erasure can drop the plaintext).
std::string digest_of(std::string_view personal_value);

}  // namespace tocsin::consent
