// Text rendered once with markers where each request puts its own values, cut at the markers, then filled per
// request: what the render caches share (web/page_cache.h: a hosted page and its session tokens;
// api/action_body_cache.h: an action's JSON and its live counters).
//
// A marker is a random prefix (per Markers object, so per process: no content can forge one) and the slot's
// digit. Text that holds the prefix without a slot digit after it stays text.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tocsin {

// A rendered text cut at its markers. Immutable once cut: share it between threads freely.
struct MarkedText {
  std::vector<std::string> pieces;  // pieces.size() == slots.size() + 1
  std::vector<uint8_t> slots;

  // The text with values[slot] in place of each marker; `values` covers every slot that occurs.
  std::string fill(std::span<const std::string> values) const;
};

class Markers {
 public:
  static constexpr int kMaxSlots = 10;  // one digit

  explicit Markers(int slots);

  // The text to render in place of `slot` (0 <= slot < slots).
  const std::string& marker(int slot) const { return markers_[slot]; }
  int slots() const { return static_cast<int>(markers_.size()); }

  // Cuts `text`, rendered with markers of this object in place of the per-request values.
  MarkedText cut(std::string_view text) const;

 private:
  std::string prefix_;  // 32 random hex characters
  std::vector<std::string> markers_;
};

}  // namespace tocsin
