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

std::string chained_hash(const std::vector<std::string>& fields) {
  std::string c;
  c.reserve(512);
  for (const auto& f : fields) {
    fmt::format_to(std::back_inserter(c), "{}:", f.size());
    c.append(f);
    c.push_back(';');
  }
  return sha256_hex(c);
}

namespace {

std::string chain_hash(const LedgerEntry& e, std::string_view ip_digest, std::string_view ua_digest,
                       std::string_view ref_digest) {
  return chained_hash(chained_fields(e, ip_digest, ua_digest, ref_digest));
}

}  // namespace

std::vector<std::string> chained_fields(const LedgerEntry& e, std::string_view ip_digest,
                                        std::string_view ua_digest, std::string_view ref_digest) {
  std::vector<std::string> fields{"tocsin-ledger-v1",
                                  e.prev_hash,
                                  e.org_id,
                                  std::to_string(e.seq),
                                  std::to_string(e.time),
                                  channel_name(e.channel),
                                  to_hex(e.contact_hash),
                                  std::string(ref_digest),
                                  e.person_id,
                                  std::string(status_name(e.old_status)),
                                  std::to_string(static_cast<int>(e.old_status)),
                                  std::string(status_name(e.new_status)),
                                  std::to_string(static_cast<int>(e.new_status)),
                                  e.evidence.actor,
                                  e.evidence.source,
                                  e.evidence.method,
                                  std::string(ip_digest),
                                  std::string(ua_digest),
                                  e.disclosure_hash,
                                  std::to_string(e.evidence.consent_time)};
  // Entries written before purposes and bases were recorded have neither, and keep their original hash.
  if (!e.evidence.purpose.empty() || e.evidence.legal_basis) {
    fields.insert(
        fields.end(),
        {"purpose", e.evidence.purpose, "legal_basis",
         e.evidence.legal_basis ? std::string(legal_basis_name(*e.evidence.legal_basis)) : std::string()});
  }
  return fields;
}

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
