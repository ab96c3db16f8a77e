#include "privacy/contact_proof.h"

#include "consent/verify.h"

namespace tocsin::privacy {

bool write_ledger_entry(JsonOut& j, const store::StoredLedgerEntry& s, const std::string* disclosure_text) {
  const auto& e = s.entry;
  bool intact = consent::entry_intact(s);
  j.begin();
  j.kv("seq", e.seq).kv("time", format_iso8601_micros(e.time)).kv("channel", channel_name(e.channel));
  j.kv("old_status",
       e.old_status == consent::Status::kNone ? std::string_view("none") : consent::status_name(e.old_status))
      .kv("new_status", consent::status_name(e.new_status));
  j.kv("person_id", e.person_id).kv("actor", e.evidence.actor).kv("source", e.evidence.source);
  j.kv("method", e.evidence.method).kv("ip", e.evidence.ip).kv("user_agent", e.evidence.user_agent);
  if (e.evidence.consent_time) j.kv("consent_time", format_iso8601_micros(e.evidence.consent_time));
  if (!e.evidence.purpose.empty()) j.kv("purpose", e.evidence.purpose);
  if (e.evidence.legal_basis) j.kv("legal_basis", consent::legal_basis_name(*e.evidence.legal_basis));
  j.kv("disclosure_hash", e.disclosure_hash);
  if (disclosure_text)
    j.kv("disclosure_text", *disclosure_text);
  else
    j.k("disclosure_text").w().Null();
  j.kv("prev_hash", e.prev_hash).kv("hash", e.hash).kv("verified", intact);
  j.end();
  return intact;
}

bool write_contact_proof(JsonOut& j, store::OrgScope& scope, const ContactHasher& hasher, Channel channel,
                         const std::string& normalized) {
  auto h = hasher.hash(channel, normalized);
  auto entries = scope.ledger_for_contact(h);
  bool verified = entries.ok();
  consent::Status current = consent::Status::kNone;
  j.kv("channel", channel_name(channel));
  j.kv("address", channel == Channel::kSms ? phone_for_display(normalized) : normalized);
  j.kv("contact_hash", to_hex(h));
  if (entries) {
    if (!entries->empty()) current = entries->back().entry.new_status;
  }
  j.kv("status", consent::status_name(current));
  if (entries && current == consent::Status::kSubscribed) {
    // What the subscription covers, folded from the entries as the serving projection does.
    consent::ConsentScope scope;
    for (const auto& s : entries.value())
      scope = consent::next_scope(scope, s.entry.old_status, s.entry.new_status, s.entry.evidence.purpose,
                                  s.entry.evidence.legal_basis.value_or(consent::LegalBasis::kConsent));
    j.begin_array("purposes");
    for (const auto& p : scope.purposes) j.str(p);
    j.end_array().kv("legal_basis", consent::legal_basis_name(scope.basis));
  }
  j.begin_array("entries");
  if (entries) {
    for (const auto& s : entries.value()) {
      std::string text;
      if (!s.entry.disclosure_hash.empty()) {
        auto t = scope.disclosure_text(s.entry.disclosure_hash);
        if (t) text = std::move(t).value();
      }
      verified &= write_ledger_entry(j, s, s.entry.disclosure_hash.empty() ? nullptr : &text);
    }
  }
  j.end_array();
  return verified;
}

}  // namespace tocsin::privacy
