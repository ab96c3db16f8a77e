#include "web/challenge.h"

#include <sodium.h>

#include <charconv>

#include "core/ids.h"

namespace tocsin::web {
namespace {

constexpr Micros kSecond = 1000000;

bool to_int(std::string_view s, int64_t& out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return !s.empty() && ec == std::errc() && end == s.data() + s.size();
}

// The leading zero bits of SHA-256(text).
int zero_bits(std::string_view text) {
  unsigned char h[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(h, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  int bits = 0;
  for (unsigned char byte : h) {
    if (byte == 0) {
      bits += 8;
      continue;
    }
    for (int b = 7; b >= 0 && !(byte & (1 << b)); --b) ++bits;
    break;
  }
  return bits;
}

}  // namespace

ProofOfWork::ProofOfWork(ChallengeSettings s) : s_(s) {
  randombytes_buf(key_.data(), key_.size());
}

std::string ProofOfWork::mac(std::string_view action_id, std::string_view body) const {
  std::string msg = "challenge\n" + std::string(action_id) + '\n' + std::string(body);
  unsigned char out[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256(out, reinterpret_cast<const unsigned char*>(msg.data()), msg.size(), key_.data());
  char hex[sizeof out * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, out, sizeof out);
  return hex;
}

std::string ProofOfWork::issue(std::string_view action_id, Micros now) const {
  std::string body = random_hex(16) + "." + std::to_string(now / kSecond) + "." + std::to_string(s_.bits);
  return body + "." + mac(action_id, body);
}

bool ProofOfWork::used(const std::string& nonce) const {
  std::lock_guard lock(mu_);
  return used_.count(nonce) != 0;
}

ProofOfWork::Check ProofOfWork::check(std::string_view action_id, std::string_view challenge,
                                      std::string_view solution, Micros now) const {
  Check c;
  auto last = challenge.rfind('.');
  if (last == std::string_view::npos) return c;
  std::string_view body = challenge.substr(0, last), given = challenge.substr(last + 1);
  std::string want = mac(action_id, body);
  if (given.size() != want.size() || sodium_memcmp(want.data(), given.data(), want.size()) != 0) return c;
  // Signed by us, so well-formed: nonce.issued.bits
  auto d1 = body.find('.'), d2 = body.rfind('.');
  int64_t issued = 0, bits = 0;
  if (d1 == d2 || !to_int(body.substr(d1 + 1, d2 - d1 - 1), issued) || !to_int(body.substr(d2 + 1), bits))
    return c;
  Micros issued_at = issued * kSecond;
  if (now > issued_at + kLifetime) return c;
  if (used(std::string(body.substr(0, d1)))) {
    c.verdict = Verdict::kReused;
    return c;
  }
  if (solution.empty()) {
    Micros valid_from = issued_at + Micros{s_.wait_seconds} * kSecond;
    if (now < valid_from) {
      c.verdict = Verdict::kTooEarly;
      c.wait_seconds = static_cast<int>((valid_from - now + kSecond - 1) / kSecond);
      return c;
    }
    c.verdict = Verdict::kOk;
    return c;
  }
  int64_t n = 0;
  if (solution.size() > 20 || !to_int(solution, n) || n < 0) return c;
  if (zero_bits(std::string(challenge) + ":" + std::string(solution)) >= bits) c.verdict = Verdict::kOk;
  return c;
}

bool ProofOfWork::consume(std::string_view challenge, Micros now) {
  std::string nonce(challenge.substr(0, challenge.find('.')));
  std::lock_guard lock(mu_);
  // Forget what has expired (an expired challenge is refused by its time anyway), at most once a minute.
  if (now >= next_prune_) {
    std::erase_if(used_, [now](const auto& kv) { return kv.second < now; });
    next_prune_ = now + 60 * kSecond;
  }
  return used_.emplace(std::move(nonce), now + kLifetime).second;
}

void AttackMeter::record(const std::string& action_id, Micros now) {
  if (threshold_ <= 0) return;
  std::lock_guard lock(mu_);
  Rate& r = rates_[action_id];
  constexpr Micros kMinute = 60 * kSecond;
  if (now - r.window >= 2 * kMinute) {
    r.previous = 0;
    r.count = 0;
    r.window = now - now % kMinute;
  } else if (now - r.window >= kMinute) {
    r.previous = r.count;
    r.count = 0;
    r.window += kMinute;
  }
  ++r.count;
  // The previous minute weighs by how much of it still lies within the last 60 seconds.
  double elapsed = static_cast<double>(now - r.window) / static_cast<double>(kMinute);
  double rate = r.count + r.previous * (1.0 - elapsed);
  if (rate >= threshold_) r.until = now + kHold;
}

bool AttackMeter::under_attack(const std::string& action_id, Micros now) const {
  if (threshold_ <= 0) return false;
  std::lock_guard lock(mu_);
  auto it = rates_.find(action_id);
  return it != rates_.end() && now < it->second.until;
}

}  // namespace tocsin::web
