// Embeds and the proof-of-work challenge (web/embed_token.h, web/embed.h, web/challenge.h): tokens bound to
// the action, the host page and an expiry; which host page the evidence names; challenges that verify only
// when solved (or, without a solution, only after the wait), once.
#include <gtest/gtest.h>
#include <sodium.h>

#include "web/challenge.h"
#include "web/embed.h"
#include "web/embed_token.h"

namespace tocsin::web {
namespace {

constexpr Micros kSec = 1000000;
constexpr Micros kNow = 1'800'000'000LL * kSec;

// The smallest n whose SHA-256("{challenge}:{n}") starts with `bits` zero bits: what challenge.js finds.
std::string solve(const std::string& challenge, int bits) {
  for (uint64_t n = 0;; ++n) {
    std::string text = challenge + ":" + std::to_string(n);
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, reinterpret_cast<const unsigned char*>(text.data()), text.size());
    int z = 0;
    for (unsigned char b : h) {
      if (b == 0) {
        z += 8;
        continue;
      }
      for (int i = 7; i >= 0 && !(b & (1 << i)); --i) ++z;
      break;
    }
    if (z >= bits) return std::to_string(n);
  }
}

http::Request with_referer(const std::string& referer) {
  http::Request r;
  r.method = "GET";
  if (!referer.empty()) r.headers.emplace_back("referer", referer);
  return r;
}

}  // namespace

TEST(EmbedToken, BoundToActionHostAndExpiry) {
  ASSERT_GE(sodium_init(), 0);
  EmbedTokens t;
  HostPage host{"https://host.example/campaign?x=1", "referer"};
  std::string tok = t.issue("a1", host, kNow);
  EXPECT_TRUE(t.verify("a1", host, tok, kNow));
  EXPECT_TRUE(t.verify("a1", host, tok, kNow + EmbedTokens::kLifetime - kSec));
  EXPECT_FALSE(t.verify("a1", host, tok, kNow + EmbedTokens::kLifetime + kSec));  // expired
  EXPECT_FALSE(t.verify("a2", host, tok, kNow));                                  // another action
  EXPECT_FALSE(t.verify("a1", {"https://evil.example/", "referer"}, tok, kNow));  // another page
  EXPECT_FALSE(t.verify("a1", {host.url, "script"}, tok, kNow));                  // another provenance
  EXPECT_FALSE(EmbedTokens().verify("a1", host, tok, kNow));                      // another key
  // A later expiry written over the signed one, a truncated MAC, garbage.
  std::string later =
      std::to_string(std::stoll(tok.substr(0, tok.find('.'))) + 3600) + tok.substr(tok.find('.'));
  EXPECT_FALSE(t.verify("a1", host, later, kNow));
  EXPECT_FALSE(t.verify("a1", host, tok.substr(0, tok.size() - 1), kNow));
  EXPECT_FALSE(t.verify("a1", host, "", kNow));
  EXPECT_FALSE(t.verify("a1", host, "x.y", kNow));
}

TEST(EmbedHostPage, TheBrowsersRefererWinsOverTheScriptsReport) {
  const std::string self = "http://127.0.0.1:8080";
  Target claim = parse_target("/embed/a/frame?host=https%3A%2F%2Fhost.example%2Fp%3Fq%3D1%23frag");
  Target none = parse_target("/embed/a/frame");
  // A full Referer: the browser's word.
  auto h = host_page(with_referer("https://host.example/real#x"), claim, self);
  EXPECT_EQ(h.url, "https://host.example/real");
  EXPECT_EQ(h.source, "referer");
  // An origin-only Referer confirms the script's report of the same origin (fragment dropped).
  h = host_page(with_referer("https://host.example/"), claim, self);
  EXPECT_EQ(h.url, "https://host.example/p?q=1");
  EXPECT_EQ(h.source, "script");
  // ... but not a report of another origin.
  h = host_page(with_referer("https://other.example/"), claim, self);
  EXPECT_EQ(h.url, "https://other.example/");
  EXPECT_EQ(h.source, "referer");
  // No Referer: the report, unconfirmed; neither: unknown.
  h = host_page(with_referer(""), claim, self);
  EXPECT_EQ(h.source, "script-unconfirmed");
  EXPECT_TRUE(host_page(with_referer(""), none, self).url.empty());
  // Our own pages are no host page; nor are non-http URLs or URLs with user info.
  EXPECT_TRUE(host_page(with_referer(self + "/o/x"), none, self).url.empty());
  EXPECT_TRUE(host_page(with_referer("javascript:alert(1)"), none, self).url.empty());
  EXPECT_TRUE(host_page(with_referer("https://user@host.example/"), none, self).url.empty());
  EXPECT_EQ(url_origin("HTTPS://Host.Example:8443/a?b#c"), "https://host.example:8443");
}

TEST(ProofOfWork, SolvedOnceOrAfterTheWait) {
  ASSERT_GE(sodium_init(), 0);
  ProofOfWork pow({.bits = 10, .wait_seconds = 20, .posts_per_minute = 5});
  using V = ProofOfWork::Verdict;
  std::string c = pow.issue("a1", kNow);
  std::string n = solve(c, 10);
  EXPECT_EQ(pow.check("a1", c, n, kNow + kSec).verdict, V::kOk);
  EXPECT_EQ(pow.check("a2", c, n, kNow + kSec).verdict, V::kWrong);  // another action's challenge
  // Wrong answers: numbers that do not solve it (most of them, at 10 bits), and no number at all.
  int refused = 0;
  for (int m = 0; m < 64; ++m)
    if (std::to_string(m) != n && pow.check("a1", c, std::to_string(m), kNow).verdict == V::kWrong) ++refused;
  EXPECT_GT(refused, 50);
  EXPECT_EQ(pow.check("a1", c, "x1", kNow).verdict, V::kWrong);
  // Without an answer: too early, then valid once the wait is over.
  auto early = pow.check("a1", c, "", kNow + 5 * kSec);
  EXPECT_EQ(early.verdict, V::kTooEarly);
  EXPECT_EQ(early.wait_seconds, 15);
  EXPECT_EQ(pow.check("a1", c, "", kNow + 20 * kSec).verdict, V::kOk);
  // Expired; tampered difficulty (the MAC covers it).
  EXPECT_EQ(pow.check("a1", c, n, kNow + ProofOfWork::kLifetime + kSec).verdict, V::kWrong);
  std::string easier = c;
  easier.replace(easier.find(".10."), 4, ".1.");
  EXPECT_EQ(pow.check("a1", easier, "0", kNow).verdict, V::kWrong);
  // Used once: a second use is refused.
  EXPECT_TRUE(pow.consume(c, kNow + kSec));
  EXPECT_FALSE(pow.consume(c, kNow + kSec));
  EXPECT_EQ(pow.check("a1", c, n, kNow + kSec).verdict, V::kReused);
}

TEST(AttackMeter, ThresholdPerActionThenHeld) {
  AttackMeter m(5);
  for (int i = 0; i < 4; ++i) m.record("a1", kNow + i * kSec);
  EXPECT_FALSE(m.under_attack("a1", kNow + 5 * kSec));
  m.record("a1", kNow + 5 * kSec);
  EXPECT_TRUE(m.under_attack("a1", kNow + 5 * kSec));
  EXPECT_FALSE(m.under_attack("a2", kNow + 5 * kSec));  // per action
  EXPECT_TRUE(m.under_attack("a1", kNow + 5 * kSec + AttackMeter::kHold - kSec));
  EXPECT_FALSE(m.under_attack("a1", kNow + 5 * kSec + AttackMeter::kHold + kSec));
  AttackMeter off(0);
  for (int i = 0; i < 100; ++i) off.record("a1", kNow);
  EXPECT_FALSE(off.under_attack("a1", kNow));
}

}  // namespace tocsin::web
