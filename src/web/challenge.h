// A self-hosted proof-of-work challenge for an action under attack: no third-party service, no cookie.
//
// The form carries a challenge "{nonce}.{issued}.{bits}.{mac}" (16 random bytes in hex, the issue time in
// seconds, the difficulty, and an HMAC-SHA-256 under a process key over those and the action id). A small
// first-party script (/static/challenge.js) finds a number n such that SHA-256("{challenge}:{n}") starts with
// `bits` zero bits (WebCrypto; 2^bits hashes on average, about a second at 16 bits) and posts it with the
// form. The server checks one HMAC and one hash, and refuses a challenge that was used once.
//
// Without JavaScript (or without WebCrypto: browsers give it to secure contexts only) the same challenge
// becomes valid on its own `wait` seconds after it was issued: a person filling in the form rarely notices;
// one who posts sooner gets the form back with what they typed and is asked to wait and send again. A bot
// then pays in time instead of CPU — each post needs a fresh GET and the wait, and the per-IP limits still
// apply. Thread-safe.
#pragma once

#include <array>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/clock.h"

namespace tocsin::web {

struct ChallengeSettings {
  int bits = 16;              // leading zero bits of the hash a solution needs
  int wait_seconds = 20;      // without a solution, the challenge is valid this long after it was issued
  int posts_per_minute = 60;  // posts to one action per minute on this node that switch the challenge on
                              // (for ten minutes); 0: only an action's tocsin:challenge "on" does
};

class ProofOfWork {
 public:
  static constexpr Micros kLifetime = 30LL * 60 * 1000000;

  explicit ProofOfWork(ChallengeSettings s);  // a random key (unit tests)
  // The key every node of the installation shares (web/node_keys.h).
  ProofOfWork(ChallengeSettings s, const std::array<unsigned char, 32>& key) : s_(s), key_(key) {}

  std::string issue(std::string_view action_id, Micros now) const;

  enum class Verdict { kOk, kTooEarly, kWrong, kReused };
  struct Check {
    Verdict verdict = Verdict::kWrong;
    int wait_seconds = 0;  // kTooEarly: how long until the challenge is valid without a solution
  };
  // Checks `challenge` (issued for this action, unexpired, not used) and `solution` (a decimal number; empty:
  // the no-JavaScript path). Consumes nothing: a form sent back for a typing error keeps its challenge.
  Check check(std::string_view action_id, std::string_view challenge, std::string_view solution,
              Micros now) const;
  // Marks a checked challenge used; false when another post used it first.
  bool consume(std::string_view challenge, Micros now);

  const ChallengeSettings& settings() const { return s_; }

 private:
  std::string mac(std::string_view action_id, std::string_view body) const;
  bool used(const std::string& nonce) const;

  ChallengeSettings s_;
  std::array<unsigned char, 32> key_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Micros> used_;  // nonce -> when it expires (then forgotten)
  Micros next_prune_ = 0;
};

// Whether an action is under attack: posts to it per minute on this node (a sliding estimate over two
// one-minute windows) at or above the threshold turn the challenge on for ten minutes from the last time
// the rate was that high. Per node: behind a load balancer each node counts its share. Thread-safe.
class AttackMeter {
 public:
  static constexpr Micros kHold = 10LL * 60 * 1000000;

  explicit AttackMeter(int posts_per_minute) : threshold_(posts_per_minute) {}
  void record(const std::string& action_id, Micros now);
  bool under_attack(const std::string& action_id, Micros now) const;

 private:
  struct Rate {
    Micros window = 0;  // start of the current minute
    int count = 0, previous = 0;
    Micros until = 0;  // under attack until
  };
  int threshold_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Rate> rates_;
};

}  // namespace tocsin::web
