// The ledger chain: sealing is deterministic, any change to a chained field is detected, and erasing the
// personal plaintext (kept only as digests in the chain) leaves an entry verifiable.
#include <gtest/gtest.h>

#include "consent/ledger_entry.h"
#include "consent/verify.h"

namespace tocsin::consent {
namespace {

store::StoredLedgerEntry sample(const std::string& prev = kGenesisHash) {
  store::StoredLedgerEntry s;
  auto& e = s.entry;
  e.org_id = "org-1";
  e.seq = 1;
  e.time = 1700000000000000;
  e.channel = Channel::kEmail;
  e.contact_hash.fill(7);
  e.contact_ref = "ada@example.org";
  e.person_id = "p-1";
  e.old_status = Status::kNone;
  e.new_status = Status::kSubscribed;
  e.evidence.actor = "api_key:abc";
  e.evidence.source = "http://x/api/v2/people";
  e.evidence.method = "api signup helper";
  e.evidence.ip = "203.0.113.9";
  e.evidence.user_agent = "curl/8";
  e.evidence.disclosure_text = "Yes, email me.";
  e.prev_hash = prev;
  seal(e);
  s.ip_digest = digest_of(e.evidence.ip);
  s.ua_digest = digest_of(e.evidence.user_agent);
  s.ref_digest = digest_of(e.contact_ref);
  return s;
}

TEST(Ledger, SealedEntryVerifies) {
  auto s = sample();
  EXPECT_EQ(s.entry.hash.size(), 64u);
  EXPECT_EQ(s.entry.disclosure_hash, sha256_hex("Yes, email me."));
  EXPECT_TRUE(entry_intact(s));
}

TEST(Ledger, SealingIsDeterministicAndChained) {
  auto a = sample(), b = sample();
  EXPECT_EQ(a.entry.hash, b.entry.hash);
  auto c = sample(a.entry.hash);
  EXPECT_NE(c.entry.hash, a.entry.hash);
}

TEST(Ledger, EveryChainedFieldIsCovered) {
  std::vector<std::function<void(LedgerEntry&)>> edits = {
      [](LedgerEntry& e) { e.seq = 2; },
      [](LedgerEntry& e) { e.time += 1; },
      [](LedgerEntry& e) { e.channel = Channel::kSms; },
      [](LedgerEntry& e) { e.contact_hash[0] ^= 1; },
      [](LedgerEntry& e) { e.person_id = "p-2"; },
      [](LedgerEntry& e) { e.old_status = Status::kUnsubscribed; },
      [](LedgerEntry& e) { e.new_status = Status::kUnsubscribed; },
      [](LedgerEntry& e) { e.evidence.actor = "api_key:other"; },
      [](LedgerEntry& e) { e.evidence.source = "elsewhere"; },
      [](LedgerEntry& e) { e.evidence.method = "csv import"; },
      [](LedgerEntry& e) { e.evidence.ip = "198.51.100.1"; },
      [](LedgerEntry& e) { e.evidence.user_agent = "evil"; },
      [](LedgerEntry& e) { e.contact_ref = "eve@example.org"; },
      [](LedgerEntry& e) { e.disclosure_hash = sha256_hex("other text"); },
      [](LedgerEntry& e) { e.evidence.consent_time = 5; },
      [](LedgerEntry& e) { e.prev_hash = std::string(64, '1'); },
  };
  for (size_t i = 0; i < edits.size(); ++i) {
    auto s = sample();
    edits[i](s.entry);
    EXPECT_FALSE(entry_intact(s)) << "edit " << i << " went undetected";
  }
}

TEST(Ledger, ErasedPlaintextStillVerifies) {
  auto s = sample();
  s.entry.contact_ref.clear();
  s.entry.evidence.ip.clear();
  s.entry.evidence.user_agent.clear();
  EXPECT_TRUE(entry_intact(s));
  s.ref_digest = digest_of("someone-else@example.org");  // but the digests themselves are chained
  EXPECT_FALSE(entry_intact(s));
}

}  // namespace
}  // namespace tocsin::consent
