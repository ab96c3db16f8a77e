// Consent-evidence requests (privacy/): the stored document round-trips, the clock's sentence names exactly
// the overdue unanswered requests, complaint files normalize and refuse bad lines, deadlines parse, and the
// ZIP writer and signing key produce what a verifier can check.
#include <gtest/gtest.h>
#include <sodium.h>
#include <zip.h>

#include "app/privacy_commands.h"
#include "privacy/contact_scope.h"
#include "privacy/evidence_clock.h"
#include "privacy/privacy_request.h"
#include "privacy/signing_key.h"
#include "privacy/zip_writer.h"

namespace tocsin::privacy {
namespace {

constexpr Micros kS = 1'000'000;

EvidenceRequest request(std::string id, Micros deadline) {
  EvidenceRequest r;
  r.id = std::move(id);
  r.opened = 1;
  r.deadline = deadline;
  r.scope = "contacts";
  r.contacts = {{Channel::kEmail, "a@example.org"}, {Channel::kSms, "+12025550100"}};
  r.audit = {{1, "platform:cli", "opened"}};
  return r;
}

TEST(EvidenceRequest, RoundTrips) {
  auto r = request("r1", 10 * kS);
  r.suspended_at = 11 * kS;
  r.answered = 12 * kS;
  r.answered_by = "api_key:k";
  r.packet_sha256 = "ab";
  auto back = decode_evidence_request(encode_evidence_request(r));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->id, "r1");
  EXPECT_EQ(back->deadline, 10 * kS);
  EXPECT_EQ(back->suspended_at, 11 * kS);
  EXPECT_EQ(back->answered, 12 * kS);
  EXPECT_EQ(back->answered_by, "api_key:k");
  ASSERT_EQ(back->contacts.size(), 2u);
  EXPECT_EQ(back->contacts[1].channel, Channel::kSms);
  EXPECT_EQ(back->contacts[1].address, "+12025550100");
  ASSERT_EQ(back->audit.size(), 1u);
  EXPECT_EQ(back->audit[0].event, "opened");
}

TEST(EvidenceClock, ReasonNamesOnlyOverdueUnansweredRequests) {
  auto due = request("due", 10 * kS), later = request("later", 100 * kS), done = request("done", 5 * kS);
  done.answered = 6 * kS;
  EXPECT_EQ(overdue_reason({due, later, done}, 9 * kS), "");
  auto why = overdue_reason({due, later, done}, 10 * kS);
  EXPECT_NE(why.find("due"), std::string::npos);
  EXPECT_EQ(why.find("later"), std::string::npos);
  EXPECT_EQ(why.find("done"), std::string::npos);
}

TEST(ContactScope, LinesNormalizeDedupAndRefuseBadLines) {
  Org org;
  org.default_region = "US";
  auto c = contacts_from_lines("# ref 1\n Jane@Example.ORG \n\njane@example.org\n(202) 555-0100\r\n", org);
  ASSERT_TRUE(c.ok()) << c.error().message;
  ASSERT_EQ(c->size(), 2u);
  EXPECT_EQ((*c)[0].address, "jane@example.org");
  EXPECT_EQ((*c)[1].address, "+12025550100");
  auto bad = contacts_from_lines("a@example.org\nnot a contact\n", org);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().http_status, 400);
  EXPECT_NE(bad.error().message.find("line 2"), std::string::npos);
  EXPECT_FALSE(contacts_from_lines("# nothing\n", org).ok());
}

TEST(Deadline, Parses) {
  EXPECT_EQ(parse_duration_micros("24h"), 24 * 3600 * kS);
  EXPECT_EQ(parse_duration_micros("3s"), 3 * kS);
  EXPECT_EQ(parse_duration_micros("2d"), 2 * 86400 * kS);
  EXPECT_FALSE(parse_duration_micros("h"));
  EXPECT_FALSE(parse_duration_micros("0h"));
  EXPECT_FALSE(parse_duration_micros("-1h"));
  EXPECT_FALSE(parse_duration_micros("5w"));
  EXPECT_FALSE(parse_duration_micros("99999999d"));
}

TEST(ZipWriter, ArchiveReadsBack) {
  ZipWriter w;
  w.add("a.json", "{\"x\":1}");
  w.add("b.html", std::string(100000, 'y'));
  auto bytes = w.finish();
  ASSERT_TRUE(bytes.ok());
  zip_error_t err;
  zip_source_t* src = zip_source_buffer_create(bytes->data(), bytes->size(), 0, &err);
  zip_t* za = zip_open_from_source(src, ZIP_RDONLY, &err);
  ASSERT_NE(za, nullptr);
  EXPECT_EQ(zip_get_num_entries(za, 0), 2);
  zip_stat_t st;
  ASSERT_EQ(zip_stat(za, "b.html", 0, &st), 0);
  EXPECT_EQ(st.size, 100000u);
  zip_close(za);
}

TEST(SigningKey, SignatureVerifiesWithPublicKey) {
  auto k = SigningKey::generate();
  std::string msg = "manifest bytes";
  std::string sig_b64 = k.sign_b64(msg), pk_b64 = k.public_key_b64();
  unsigned char sig[crypto_sign_BYTES], pk[crypto_sign_PUBLICKEYBYTES];
  size_t n = 0;
  ASSERT_EQ(sodium_base642bin(sig, sizeof sig, sig_b64.data(), sig_b64.size(), nullptr, &n, nullptr,
                              sodium_base64_VARIANT_ORIGINAL),
            0);
  ASSERT_EQ(sodium_base642bin(pk, sizeof pk, pk_b64.data(), pk_b64.size(), nullptr, &n, nullptr,
                              sodium_base64_VARIANT_ORIGINAL),
            0);
  EXPECT_EQ(
      crypto_sign_verify_detached(sig, reinterpret_cast<const unsigned char*>(msg.data()), msg.size(), pk),
      0);
  msg[0] = 'M';
  EXPECT_NE(
      crypto_sign_verify_detached(sig, reinterpret_cast<const unsigned char*>(msg.data()), msg.size(), pk),
      0);
}

}  // namespace
}  // namespace tocsin::privacy


namespace tocsin::privacy {
namespace {

TEST(PrivacyRequest, DueDatesAndRoundTrip) {
  EXPECT_EQ(due_after(0, true), 30 * kDayMicros);
  EXPECT_EQ(due_after(0, false), 45 * kDayMicros);
  PrivacyRequest r;
  r.id = "x";
  r.kind = RequestKind::kWithdrawal;
  r.subject = {Channel::kSms, "+12025550100"};
  r.received = 5;
  r.due = 6;
  r.state = RequestState::kRefused;
  r.refusal_reason = "why";
  auto back = decode_privacy_request(encode_privacy_request(r));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->kind, RequestKind::kWithdrawal);
  EXPECT_EQ(back->state, RequestState::kRefused);
  EXPECT_EQ(back->refusal_reason, "why");
  EXPECT_EQ(back->subject.address, "+12025550100");
  for (auto k :
       {"access", "rectification", "erasure", "restriction", "portability", "objection", "withdrawal"})
    EXPECT_EQ(kind_name(*parse_kind(k)), k);
  EXPECT_FALSE(parse_kind("delete"));
}

TEST(PrivacyRequest, OverdueFirstThenOpenByDueThenClosed) {
  auto mk = [](std::string id, Micros due, RequestState s) {
    PrivacyRequest r;
    r.id = std::move(id);
    r.due = due;
    r.received = due - 10;
    r.state = s;
    return r;
  };
  std::vector<PrivacyRequest> v{mk("done", 1, RequestState::kDone), mk("later", 300, RequestState::kOpen),
                                mk("soon", 200, RequestState::kInProgress),
                                mk("late", 50, RequestState::kOpen)};
  sort_for_work(v, 100);
  ASSERT_EQ(v.size(), 4u);
  EXPECT_EQ(v[0].id, "late");
  EXPECT_EQ(v[1].id, "soon");
  EXPECT_EQ(v[2].id, "later");
  EXPECT_EQ(v[3].id, "done");
  EXPECT_TRUE(is_overdue(v[0], 100));
  EXPECT_FALSE(is_overdue(v[3], 100));
}

}  // namespace
}  // namespace tocsin::privacy
