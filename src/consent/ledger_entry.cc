#include "consent/ledger_entry.h"

#include <sodium.h>

#include <fmt/format.h>

namespace tocsin::consent {

std::string sha256_hex(std::string_view data) {
  unsigned char out[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(out, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, out, sizeof out);
  return std::string(hex, crypto_hash_sha256_BYTES * 2);
}

std::string digest_of(std::string_view personal_value) {
  return personal_value.empty() ? std::string() : sha256_hex(personal_value);
}

namespace {

// Length-prefixed fields: no separator can be forged by a value that contains it.
void put(std::string& out, std::string_view field) {
  fmt::format_to(std::back_inserter(out), "{}:", field.size());
  out.append(field);
  out.push_back(';');
}

std::string chain_hash(const LedgerEntry& e, std::string_view ip_digest, std::string_view ua_digest,
                       std::string_view ref_digest) {
  std::string c;
  c.reserve(512);
  put(c, "tocsin-ledger-v1");
  put(c, e.prev_hash);
  put(c, e.org_id);
  put(c, std::to_string(e.seq));
  put(c, std::to_string(e.time));
  put(c, channel_name(e.channel));
  put(c, to_hex(e.contact_hash));
  put(c, ref_digest);
  put(c, e.person_id);
  put(c, status_name(e.old_status));
  put(c, std::to_string(static_cast<int>(e.old_status)));
  put(c, status_name(e.new_status));
  put(c, std::to_string(static_cast<int>(e.new_status)));
  put(c, e.evidence.actor);
  put(c, e.evidence.source);
  put(c, e.evidence.method);
  put(c, ip_digest);
  put(c, ua_digest);
  put(c, e.disclosure_hash);
  put(c, std::to_string(e.evidence.consent_time));
  return sha256_hex(c);
}

}  // namespace

void seal(LedgerEntry& e) {
  e.disclosure_hash =
      e.evidence.disclosure_text.empty() ? std::string() : sha256_hex(e.evidence.disclosure_text);
  e.hash =
      chain_hash(e, digest_of(e.evidence.ip), digest_of(e.evidence.user_agent), digest_of(e.contact_ref));
}

bool hash_matches(const LedgerEntry& e, std::string_view ip_digest, std::string_view ua_digest,
                  std::string_view ref_digest) {
  return chain_hash(e, ip_digest, ua_digest, ref_digest) == e.hash;
}

}  // namespace tocsin::consent
