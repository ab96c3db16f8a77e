#include "core/ids.h"

#include <sodium.h>

#include <array>
#include <chrono>
#include <mutex>

namespace tocsin {
namespace {

using Bytes = std::array<unsigned char, 16>;

std::string format_uuid(const Bytes& b) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (size_t i = 0; i < b.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kHex[b[i] >> 4]);
    out.push_back(kHex[b[i] & 0xf]);
  }
  return out;
}

// Random bytes drawn from libsodium in blocks, so a signup costs no getrandom call of its own; guarded by
// the caller's lock.
class RandomPool {
 public:
  void take(unsigned char* out, size_t n) {
    for (size_t i = 0; i < n; ++i) {
      if (pos_ == buf_.size()) {
        randombytes_buf(buf_.data(), buf_.size());
        pos_ = 0;
      }
      out[i] = buf_[pos_++];
    }
  }

 private:
  std::array<unsigned char, 4096> buf_{};
  size_t pos_ = buf_.size();
};

// RFC 9562 §6.2 method 1 (fixed-length dedicated counter, 12 bits in rand_a): the counter restarts from a
// random value with its top bit clear at each new millisecond and counts up within one; if it overflows, the
// timestamp is advanced by one millisecond, which the RFC allows. A clock that steps back is ignored.
class V7State {
 public:
  std::string next(int64_t unix_ms) {
    std::lock_guard lock(mu_);
    uint64_t ms = static_cast<uint64_t>(unix_ms < 0 ? 0 : unix_ms);
    if (ms > last_ms_) {
      unsigned char r[2];
      pool_.take(r, sizeof r);
      last_ms_ = ms;
      counter_ = ((r[0] << 8) | r[1]) & 0x7ff;
    } else if (++counter_ > 0xfff) {
      ++last_ms_;
      counter_ = 0;
    }
    Bytes b;
    for (int i = 0; i < 6; ++i) b[i] = static_cast<unsigned char>(last_ms_ >> (40 - 8 * i));
    b[6] = static_cast<unsigned char>(0x70 | (counter_ >> 8));  // version 7
    b[7] = static_cast<unsigned char>(counter_ & 0xff);
    pool_.take(&b[8], 8);
    b[8] = (b[8] & 0x3f) | 0x80;  // RFC 9562 variant
    return format_uuid(b);
  }

  void random(unsigned char* out, size_t n) {
    std::lock_guard lock(mu_);
    pool_.take(out, n);
  }

 private:
  std::mutex mu_;
  RandomPool pool_;
  uint64_t last_ms_ = 0;
  unsigned counter_ = 0;
};

V7State& state() {
  static V7State s;
  return s;
}

}  // namespace

std::string new_uuid() {
  Bytes b;
  state().random(b.data(), b.size());
  b[6] = (b[6] & 0x0f) | 0x40;  // version 4
  b[8] = (b[8] & 0x3f) | 0x80;  // RFC 4122 variant
  return format_uuid(b);
}

std::string new_time_ordered_uuid(int64_t unix_ms) {
  return state().next(unix_ms);
}

std::string new_time_ordered_uuid() {
  using namespace std::chrono;
  return new_time_ordered_uuid(duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count());
}

bool is_uuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return true;
}

std::string random_hex(size_t bytes) {
  std::string raw(bytes, '\0');
  randombytes_buf(raw.data(), raw.size());
  std::string hex(bytes * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), reinterpret_cast<const unsigned char*>(raw.data()), raw.size());
  hex.pop_back();
  return hex;
}

}  // namespace tocsin
