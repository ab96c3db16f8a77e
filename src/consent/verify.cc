#include "consent/verify.h"

namespace tocsin::consent {

bool entry_intact(const store::StoredLedgerEntry& s) {
  const auto& e = s.entry;
  if (!e.evidence.ip.empty() && digest_of(e.evidence.ip) != s.ip_digest) return false;
  if (!e.evidence.user_agent.empty() && digest_of(e.evidence.user_agent) != s.ua_digest) return false;
  if (!e.contact_ref.empty() && digest_of(e.contact_ref) != s.ref_digest) return false;
  return hash_matches(e, s.ip_digest, s.ua_digest, s.ref_digest);
}

Result<ChainReport> verify_chain(store::OrgScope scope) {
  ChainReport r;
  std::string prev = kGenesisHash;
  int64_t expected_seq = 1;
  auto st = scope.for_each_ledger_entry([&](const store::StoredLedgerEntry& s) {
    const auto& e = s.entry;
    if (e.seq != expected_seq) {
      r.problem = "entry " + std::to_string(expected_seq) + " is missing (next present is " +
                  std::to_string(e.seq) + ")";
    } else if (e.prev_hash != prev) {
      r.problem = "entry " + std::to_string(e.seq) + " does not link to entry " + std::to_string(e.seq - 1) +
                  " (an entry before it was altered or removed)";
    } else if (!entry_intact(s)) {
      r.problem = "entry " + std::to_string(e.seq) + " was altered (its hash does not match its contents)";
    }
    if (!r.problem.empty()) {
      r.ok = false;
      return false;
    }
    prev = e.hash;
    ++expected_seq;
    ++r.entries;
    return true;
  });
  if (!st) return st.error();
  r.head = prev;
  return r;
}

}  // namespace tocsin::consent
