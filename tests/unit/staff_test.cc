// Staff accounts and access (src/staff): roles, argon2id passwords, TOTP with replay refusal, lockout,
// sessions and their revocation, the document layout, and the audit trail — over a real SQLite store.
#include <gtest/gtest.h>
#include <sodium.h>
#include <unistd.h>

#include <filesystem>

#include "staff/invitation.h"
#include "staff/lockout.h"
#include "staff/password.h"
#include "staff/role.h"
#include "staff/session.h"
#include "staff/staff_service.h"
#include "staff/totp.h"

namespace fs = std::filesystem;
using namespace tocsin;
using namespace tocsin::staff;

namespace {

constexpr Micros kSec = 1'000'000;
constexpr Micros kT0 = 1'790'000'000LL * kSec;  // a fixed instant, 2026

TEST(StaffRole, PermissionTable) {
  EXPECT_TRUE(allows(Role::kViewer, Permission::kRead));
  EXPECT_FALSE(allows(Role::kViewer, Permission::kExport));
  EXPECT_FALSE(allows(Role::kViewer, Permission::kSend));
  EXPECT_TRUE(allows(Role::kOrganizer, Permission::kSend));
  EXPECT_TRUE(allows(Role::kOrganizer, Permission::kExport));
  EXPECT_FALSE(allows(Role::kOrganizer, Permission::kKeys));
  EXPECT_FALSE(allows(Role::kOrganizer, Permission::kApprove));
  EXPECT_TRUE(allows(Role::kAdmin, Permission::kKeys));
  EXPECT_TRUE(allows(Role::kAdmin, Permission::kSettings));
  EXPECT_FALSE(allows(Role::kAdmin, Permission::kTeam));
  EXPECT_TRUE(allows(Role::kOwner, Permission::kTeam));
  for (auto r : {Role::kViewer, Role::kOrganizer, Role::kAdmin, Role::kOwner})
    EXPECT_EQ(parse_role(role_name(r)), r);
  EXPECT_FALSE(parse_role("root"));
}

TEST(StaffPassword, HashVerifyRehash) {
  auto h = hash_password("correct horse battery", HashCost::kMinimum);
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->rfind("$argon2id$", 0), 0u);
  EXPECT_TRUE(verify_password(*h, "correct horse battery"));
  EXPECT_FALSE(verify_password(*h, "correct horse batterY"));
  EXPECT_FALSE(verify_password(*h, ""));
  EXPECT_FALSE(verify_password("garbage", "correct horse battery"));
  EXPECT_FALSE(needs_rehash(*h, HashCost::kMinimum));
  EXPECT_TRUE(needs_rehash(*h, HashCost::kInteractive));
  EXPECT_FALSE(check_new_password("short").ok());
  EXPECT_EQ(check_new_password("short").error().http_status, 422);
  EXPECT_FALSE(check_new_password(std::string(kMaxPasswordLength + 1, 'x')).ok());
  EXPECT_TRUE(check_new_password("twelve chars").ok());
}

TEST(StaffTotp, Rfc6238VectorAndWindow) {
  // RFC 6238 appendix B, SHA-1 secret "12345678901234567890" (base32 below), T = 59 s → 94287082 (8 digits);
  // its last 6 digits are the 6-digit code.
  const std::string secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
  auto code = totp_code(secret, 59);
  ASSERT_TRUE(code.ok());
  EXPECT_EQ(*code, "287082");
  const int64_t now = 1'111'111'109;  // RFC vector 07081804 → "081804"
  EXPECT_EQ(*totp_code(secret, now), "081804");
  auto step = totp_accept(secret, "081804", now, 0);
  ASSERT_TRUE(step.has_value());
  EXPECT_EQ(*step, now / 30);
  // one step either side is accepted, two are not
  EXPECT_TRUE(totp_accept(secret, *totp_code(secret, now - 30), now, 0));
  EXPECT_TRUE(totp_accept(secret, *totp_code(secret, now + 30), now, 0));
  EXPECT_FALSE(totp_accept(secret, *totp_code(secret, now - 90), now, 0));
  EXPECT_FALSE(totp_accept(secret, *totp_code(secret, now + 90), now, 0));
  // replay of the same step (or an older one) is refused
  EXPECT_FALSE(totp_accept(secret, "081804", now, *step));
  EXPECT_FALSE(totp_accept(secret, *totp_code(secret, now - 30), now, *step));
  // malformed
  EXPECT_FALSE(totp_accept(secret, "08180", now, 0));
  EXPECT_FALSE(totp_accept(secret, "08180a", now, 0));
}

TEST(StaffTotp, NewSecretAndUri) {
  auto s = new_totp_secret();
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->size(), 32u);  // 20 bytes in base32
  EXPECT_NE(*s, *new_totp_secret());
  EXPECT_TRUE(totp_code(*s, 1000).ok());
  EXPECT_EQ(
      totp_enrolment_uri("tocsin", "a+b@example.org", "ABC"),
      "otpauth://totp/tocsin:a%2Bb%40example.org?secret=ABC&issuer=tocsin&algorithm=SHA1&digits=6&period=30");
}

TEST(StaffLockout, FiveInFifteenMinutesLocksForFifteen) {
  Account a;
  for (int i = 0; i < 4; ++i) EXPECT_FALSE(record_failure(a, kT0 + i * kSec));
  EXPECT_FALSE(is_locked(a, kT0 + 5 * kSec));
  EXPECT_TRUE(record_failure(a, kT0 + 5 * kSec));
  EXPECT_TRUE(is_locked(a, kT0 + 6 * kSec));
  EXPECT_TRUE(is_locked(a, kT0 + 5 * kSec + kLockDuration - 1));
  EXPECT_FALSE(is_locked(a, kT0 + 5 * kSec + kLockDuration));
}

TEST(StaffLockout, OldFailuresExpire) {
  Account a;
  for (int i = 0; i < 4; ++i) record_failure(a, kT0 + i * kSec);
  // the fifth comes after the first four left the window
  EXPECT_FALSE(record_failure(a, kT0 + kFailureWindow + 10 * kSec));
  EXPECT_FALSE(is_locked(a, kT0 + kFailureWindow + 11 * kSec));
  record_success(a);
  EXPECT_TRUE(a.failures.empty());
}

TEST(StaffSession, TokenIdCookieLiveness) {
  const std::string t = new_session_token();
  EXPECT_EQ(t.size(), 64u);
  const std::string id = session_id_of(t);
  EXPECT_EQ(id.size(), 64u);
  EXPECT_NE(id, t);
  EXPECT_EQ(session_id_of(t), id);
  EXPECT_EQ(session_id_of("short"), "");
  EXPECT_EQ(session_id_of(std::string(64, 'Z')), "");
  EXPECT_EQ(session_cookie("tok", true), "tocsin_staff=tok; Path=/admin; HttpOnly; SameSite=Strict; Secure");
  EXPECT_EQ(session_cookie("tok", false), "tocsin_staff=tok; Path=/admin; HttpOnly; SameSite=Strict");
  EXPECT_NE(clear_session_cookie(true).find("Max-Age=0"), std::string::npos);
  Session s{id, "acc", "org", kT0, kT0, kT0 + kSessionLifetime, false, "127.0.0.1"};
  EXPECT_TRUE(session_live(s, kT0 + kSec, 0));
  EXPECT_FALSE(session_live(s, kT0 + kIdleTimeout, 0));  // idle
  EXPECT_FALSE(session_live(s, kT0 + kSec, kT0 + 1));    // revoked by a password reset
  s.last_seen = kT0 + kSessionLifetime - kSec;
  EXPECT_FALSE(session_live(s, kT0 + kSessionLifetime, 0));  // expired though recently used
  s.last_seen = kT0;
  s.revoked = true;
  EXPECT_FALSE(session_live(s, kT0 + kSec, 0));
  auto back = decode_session(encode_session(s));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->account_id, "acc");
  EXPECT_TRUE(back->revoked);
}

TEST(StaffAccount, CodecRoundTrip) {
  Account a;
  a.id = "abc";
  a.email = "x@example.org";
  a.password_hash = "$argon2id$...";
  a.totp_secret = "ABC";
  a.roles = {{"org-1", Role::kOwner}, {"org-2", Role::kViewer}};
  a.platform_operator = true;
  a.failures = {1, 2, 3};
  a.locked_until = 9;
  a.last_totp_step = 7;
  a.sessions_valid_after = 5;
  auto b = decode_account(encode_account(a));
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->roles, a.roles);
  EXPECT_EQ(b->failures, a.failures);
  EXPECT_EQ(b->locked_until, 9);
  EXPECT_EQ(b->last_totp_step, 7);
  EXPECT_EQ(b->sessions_valid_after, 5);
  EXPECT_TRUE(b->platform_operator);
  EXPECT_EQ(role_in(*b, "org-2"), Role::kViewer);
  EXPECT_FALSE(role_in(*b, "org-3"));
}

// Records audit events in memory, to check what the service reports.
class MemoryAudit : public AuditLog {
 public:
  Status record(const AuditEvent& e) override {
    events.push_back(e);
    return Ok{};
  }
  std::vector<AuditEvent> events;
};

class StaffServiceTest : public ::testing::Test {
 protected:
  StaffServiceTest()
      : dir_(fs::temp_directory_path() / ("tocsin-staff-" + std::to_string(::getpid()) + "-" +
                                          ::testing::UnitTest::GetInstance()->current_test_info()->name())) {
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    open();
    EXPECT_TRUE(store_->create_org(Org{"org-1", "One", "US"}).ok());
    EXPECT_TRUE(store_->create_org(Org{"org-2", "Two", "US"}).ok());
  }
  ~StaffServiceTest() override { fs::remove_all(dir_); }

  // (Re)opens the store and the service, as a restart does.
  void open() {
    svc_.reset();
    store_.reset();
    auto s = store::open_sqlite_store((dir_ / "t.db").string());
    ASSERT_TRUE(s.ok());
    store_ = std::move(s).value();
    svc_ = std::make_unique<StaffService>(*store_, key_, audit_, StaffOptions{HashCost::kMinimum, "tocsin"});
  }

  // The enrolment secret out of an otpauth URI.
  static std::string secret_of(const std::string& uri) {
    auto p = uri.find("secret=") + 7;
    return uri.substr(p, uri.find('&', p) - p);
  }
  std::string code(const std::string& secret, Micros at) { return *totp_code(secret, at / kSec); }

  fs::path dir_;
  std::array<unsigned char, 32> key_{1, 2, 3};
  MemoryAudit audit_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<StaffService> svc_;
};

TEST_F(StaffServiceTest, CreateLoginAuthenticateLogout) {
  auto c = svc_->add_member("org-1", "Owner@Example.org", Role::kOwner, "a long password", "cli:t", kT0);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->account.email, "owner@example.org");
  EXPECT_EQ(c->account.id, svc_->account_id_for("OWNER@example.ORG"));
  ASSERT_FALSE(c->enrolment_uri.empty());
  const std::string secret = secret_of(c->enrolment_uri);
  // The account is a platform document keyed by the hashed address: one keyed read, no scan.
  auto doc = store_->org_doc("", kAccountKind, c->account.id);
  ASSERT_TRUE(doc.ok() && doc.value());
  EXPECT_EQ(doc.value()->doc.find("a long password"), std::string::npos);

  const Micros t = kT0 + 60 * kSec;
  auto in = svc_->login("owner@example.org", "a long password", code(secret, t), "", "10.0.0.1", t);
  ASSERT_TRUE(in.ok()) << in.error().message;
  EXPECT_EQ(in->principal.org_id, "org-1");
  EXPECT_EQ(in->principal.role, Role::kOwner);
  // the token itself is not stored, only its hash
  EXPECT_FALSE(store_->org_doc("", kSessionKind, in->token).value());
  EXPECT_TRUE(store_->org_doc("", kSessionKind, session_id_of(in->token)).value());

  auto p = svc_->authenticate(in->token, t + kSec);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->email, "owner@example.org");
  EXPECT_TRUE(p->can(Permission::kTeam));
  // One character changed: always a different character, or a token starting with '0' would be unchanged.
  std::string altered = in->token;
  altered[0] = altered[0] == '0' ? '1' : '0';
  auto forged = svc_->authenticate(altered, t);
  ASSERT_FALSE(forged.ok());
  EXPECT_EQ(forged.error().http_status, 401);
  // idle timeout
  EXPECT_FALSE(svc_->authenticate(in->token, t + kSec + kIdleTimeout + kSec).ok());

  ASSERT_TRUE(svc_->logout(in->token, "10.0.0.1", t + 2 * kSec).ok());
  EXPECT_EQ(svc_->authenticate(in->token, t + 3 * kSec).error().http_status, 401);
}

TEST_F(StaffServiceTest, TotpCodeCannotBeReplayed) {
  auto c = svc_->add_member("org-1", "o@example.org", Role::kOwner, "a long password", "cli:t", kT0);
  ASSERT_TRUE(c.ok());
  const std::string s = secret_of(c->enrolment_uri);
  const Micros t = kT0 + 60 * kSec;
  ASSERT_TRUE(svc_->login("o@example.org", "a long password", code(s, t), "", "", t).ok());
  auto again = svc_->login("o@example.org", "a long password", code(s, t), "", "", t + kSec);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().http_status, 401);
  // the next step's code works
  EXPECT_TRUE(
      svc_->login("o@example.org", "a long password", code(s, t + 30 * kSec), "", "", t + 30 * kSec).ok());
}

TEST_F(StaffServiceTest, LockoutAfterFiveFailuresSurvivesRestart) {
  auto c = svc_->add_member("org-1", "o@example.org", Role::kOwner, "a long password", "cli:t", kT0);
  ASSERT_TRUE(c.ok());
  const std::string s = secret_of(c->enrolment_uri);
  Micros t = kT0 + 60 * kSec;
  for (int i = 0; i < 4; ++i) {
    auto r = svc_->login("o@example.org", "wrong password!", code(s, t), "", "", t);
    EXPECT_EQ(r.error().http_status, 401);
    t += kSec;
    if (i == 1) open();  // a restart in between keeps the count
  }
  auto fifth = svc_->login("o@example.org", "wrong password!", code(s, t), "", "", t);
  EXPECT_EQ(fifth.error().http_status, 429);
  open();
  // locked: the right password and code are refused too, after a restart
  t += 40 * kSec;
  auto right = svc_->login("o@example.org", "a long password", code(s, t), "", "", t);
  ASSERT_FALSE(right.ok());
  EXPECT_EQ(right.error().http_status, 429);
  // after 15 minutes it works
  t += kLockDuration;
  EXPECT_TRUE(svc_->login("o@example.org", "a long password", code(s, t), "", "", t).ok());
  bool locked_audited = false;
  for (const auto& e : audit_.events) locked_audited |= e.action == "session.locked";
  EXPECT_TRUE(locked_audited);
}

TEST_F(StaffServiceTest, WrongCodeCountsAsFailure) {
  auto c = svc_->add_member("org-1", "o@example.org", Role::kOwner, "a long password", "cli:t", kT0);
  ASSERT_TRUE(c.ok());
  Micros t = kT0 + 60 * kSec;
  for (int i = 0; i < 5; ++i) (void)svc_->login("o@example.org", "a long password", "000000", "", "", t + i);
  EXPECT_EQ(
      svc_->login("o@example.org", "a long password", code(secret_of(c->enrolment_uri), t), "", "", t + 10)
          .error()
          .http_status,
      429);
}

TEST_F(StaffServiceTest, UnknownAddressIsTheSameAnswer) {
  auto r = svc_->login("nobody@example.org", "a long password", "123456", "", "", kT0);
  EXPECT_EQ(r.error().http_status, 401);
  EXPECT_EQ(r.error().message, "wrong email, password or code");
  EXPECT_EQ(svc_->login("not an address", "x", "1", "", "", kT0).error().http_status, 401);
}

TEST_F(StaffServiceTest, ResetRevokesEverySessionAndClearsLock) {
  auto c = svc_->add_member("org-1", "o@example.org", Role::kAdmin, "a long password", "cli:t", kT0);
  ASSERT_TRUE(c.ok());
  const std::string s = secret_of(c->enrolment_uri);
  Micros t = kT0 + 60 * kSec;
  auto a = svc_->login("o@example.org", "a long password", code(s, t), "", "", t);
  auto b = svc_->login("o@example.org", "a long password", code(s, t + 30 * kSec), "", "", t + 30 * kSec);
  ASSERT_TRUE(a.ok() && b.ok());
  t += 31 * kSec;
  ASSERT_TRUE(svc_->reset_password("o@example.org", "another long one", "cli:t", t).ok());
  EXPECT_FALSE(svc_->authenticate(a->token, t + 1).ok());
  EXPECT_FALSE(svc_->authenticate(b->token, t + 1).ok());
  t += 30 * kSec;
  EXPECT_FALSE(svc_->login("o@example.org", "a long password", code(s, t), "", "", t).ok());
  t += 30 * kSec;
  EXPECT_TRUE(svc_->login("o@example.org", "another long one", code(s, t), "", "", t).ok());
  EXPECT_EQ(svc_->reset_password("none@example.org", "another long one", "cli:t", t).error().http_status,
            404);
  EXPECT_EQ(svc_->reset_password("o@example.org", "short", "cli:t", t).error().http_status, 422);
}

TEST_F(StaffServiceTest, RolesPerOrganizationAndCrossOrg) {
  auto c = svc_->add_member("org-1", "v@example.org", Role::kViewer, "a long password", "cli:t", kT0);
  ASSERT_TRUE(c.ok());
  // a second org: the account exists, keeps its password and TOTP, gains a role
  auto c2 = svc_->add_member("org-2", "v@example.org", Role::kOrganizer, "ignored", "cli:t", kT0);
  ASSERT_TRUE(c2.ok());
  EXPECT_TRUE(c2->enrolment_uri.empty());
  const std::string s = secret_of(c->enrolment_uri);
  Micros t = kT0 + 60 * kSec;
  auto in2 = svc_->login("v@example.org", "a long password", code(s, t), "org-2", "", t);
  ASSERT_TRUE(in2.ok());
  EXPECT_EQ(in2->principal.role, Role::kOrganizer);
  EXPECT_EQ(in2->principal.org_id, "org-2");
  // an org it does not belong to
  t += 30 * kSec;
  EXPECT_EQ(svc_->login("v@example.org", "a long password", code(s, t), "org-3", "", t).error().http_status,
            401);
  auto team1 = svc_->team("org-1");
  ASSERT_TRUE(team1.ok());
  ASSERT_EQ(team1->size(), 1u);
  EXPECT_EQ((*team1)[0].role, Role::kViewer);
  EXPECT_EQ(svc_->team("org-2")->at(0).role, Role::kOrganizer);
  EXPECT_TRUE(svc_->team("org-3")->empty());
  // changing the role rewrites the member, no duplicate
  ASSERT_TRUE(svc_->add_member("org-1", "v@example.org", Role::kAdmin, "", "cli:t", kT0).ok());
  ASSERT_EQ(svc_->team("org-1")->size(), 1u);
  EXPECT_EQ(svc_->team("org-1")->at(0).role, Role::kAdmin);
}

TEST_F(StaffServiceTest, BadInputs) {
  EXPECT_EQ(svc_->add_member("org-1", "not-an-address", Role::kOwner, "a long password", "cli", kT0)
                .error()
                .http_status,
            422);
  EXPECT_EQ(svc_->add_member("org-1", "a@example.org", Role::kOwner, "short", "cli", kT0).error().http_status,
            422);
  EXPECT_EQ(
      svc_->add_member("", "a@example.org", Role::kOwner, "a long password", "cli", kT0).error().http_status,
      422);
}

TEST_F(StaffServiceTest, AuditRecordsChangesAndDocAuditLogStores) {
  ASSERT_TRUE(
      svc_->add_member("org-1", "o@example.org", Role::kOwner, "a long password", "cli:ann", kT0).ok());
  ASSERT_FALSE(audit_.events.empty());
  EXPECT_EQ(audit_.events.back().action, "user.create");
  EXPECT_EQ(audit_.events.back().actor, "cli:ann");
  EXPECT_EQ(audit_.events.back().org_id, "org-1");

  DocAuditLog log(*store_);
  ASSERT_TRUE(log.record({"org-1", "acc", "people.export", "list-1", "10.0.0.9", kT0}).ok());
  auto snap = store_->scope("org-1").load();
  ASSERT_TRUE(snap.ok());
  int audits = 0;
  for (const auto& d : snap->docs)
    if (d.kind == kAuditKind) {
      ++audits;
      EXPECT_NE(d.doc.find("people.export"), std::string::npos);
      EXPECT_NE(d.doc.find("10.0.0.9"), std::string::npos);
    }
  EXPECT_EQ(audits, 1);
}

// Invitations: the token is never stored (only its keyed hash), a link is spent once, expires after 7 days,
// dies when revoked or replaced, and another organization cannot revoke it; every dead link is the same 404.
TEST_F(StaffServiceTest, InvitationsSingleUseExpiryRevokeReplace) {
  Invitations inv(*store_, key_);
  auto first = inv.issue("org-1", "new@example.org", Role::kOrganizer, "owner-id", kT0);
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(first->token.size(), 64u);
  EXPECT_EQ(first->invitation.id, inv.id_of(first->token));
  auto stored = store_->org_doc("", kInvitationKind, first->invitation.id);
  ASSERT_TRUE(stored.ok() && stored.value());
  EXPECT_EQ(stored.value()->doc.find(first->token), std::string::npos) << "only the hash is stored";
  Invitations other_key(*store_, std::array<unsigned char, 32>{9});
  EXPECT_NE(other_key.id_of(first->token), first->invitation.id) << "the hash is keyed";

  // Expiry: open until 7 days, then the same 404 as a forged token.
  EXPECT_TRUE(inv.open(first->token, kT0 + kInvitationLifetime - 1).ok());
  EXPECT_EQ(inv.open(first->token, kT0 + kInvitationLifetime).error().http_status, 404);
  EXPECT_EQ(inv.open(std::string(64, 'a'), kT0).error().http_status, 404);
  EXPECT_EQ(inv.open("not a token", kT0).error().http_status, 404);

  // Re-inviting the address replaces the first: its link dies; one pending invitation is listed.
  auto second = inv.issue("org-1", "new@example.org", Role::kAdmin, "owner-id", kT0 + kSec);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(inv.open(first->token, kT0 + 2 * kSec).error().http_status, 404);
  auto pending = inv.pending("org-1", kT0 + 2 * kSec);
  ASSERT_TRUE(pending.ok());
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ(pending->front().role, Role::kAdmin);
  EXPECT_TRUE(inv.pending("org-2", kT0)->empty());

  // Another organization cannot revoke it; a failed acceptance spends nothing; then it is spent once.
  EXPECT_EQ(inv.revoke("org-2", second->invitation.id, kT0).error().http_status, 404);
  auto refused = inv.spend(second->token, kT0 + 3 * kSec,
                           [](const Invitation&) -> Status { return unprocessable("bad password"); });
  EXPECT_EQ(refused.error().http_status, 422);
  int accepted = 0;
  auto spent = inv.spend(second->token, kT0 + 4 * kSec, [&](const Invitation& i) -> Status {
    EXPECT_EQ(i.email, "new@example.org");
    ++accepted;
    return Ok{};
  });
  ASSERT_TRUE(spent.ok());
  EXPECT_EQ(spent->used, kT0 + 4 * kSec);
  EXPECT_EQ(inv.spend(second->token, kT0 + 5 * kSec,
                      [&](const Invitation&) -> Status {
                        ++accepted;
                        return Ok{};
                      })
                .error()
                .http_status,
            404);
  EXPECT_EQ(accepted, 1);
  EXPECT_TRUE(inv.pending("org-1", kT0 + 5 * kSec)->empty());

  // Revoked: dead, and gone from the list.
  auto third = inv.issue("org-1", "other@example.org", Role::kViewer, "owner-id", kT0);
  ASSERT_TRUE(third.ok());
  EXPECT_TRUE(inv.revoke("org-1", third->invitation.id, kT0 + kSec).ok());
  EXPECT_EQ(inv.open(third->token, kT0 + 2 * kSec).error().http_status, 404);
  EXPECT_EQ(inv.revoke("org-1", third->invitation.id, kT0 + 2 * kSec).error().http_status, 404);
}

}  // namespace
