#include "store/delivery_plan.h"

#include <map>
#include <stdexcept>

namespace tocsin::store {
namespace {

constexpr char kFormat = 1;
constexpr std::string_view kInvalidState = "invalid_plan_state";

bool plannable(DeliveryState s) {
  return s == DeliveryState::kQueued || s == DeliveryState::kSuppressed || s == DeliveryState::kBlocked;
}

void put_varint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

void put_signed(std::string& out, int64_t v) {
  put_varint(out, (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63));
}

void put_bytes(std::string& out, std::string_view s) {
  put_varint(out, s.size());
  out.append(s);
}

// Reads what the put_* above wrote; every read fails once the input is short or malformed.
class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool varint(uint64_t& v) {
    v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (in_.empty()) return false;
      auto b = static_cast<unsigned char>(in_.front());
      in_.remove_prefix(1);
      v |= uint64_t{b & 0x7fu} << shift;
      if (!(b & 0x80)) return true;
    }
    return false;
  }
  bool signed_varint(int64_t& v) {
    uint64_t u;
    if (!varint(u)) return false;
    v = static_cast<int64_t>(u >> 1) ^ -static_cast<int64_t>(u & 1);
    return true;
  }
  bool bytes(std::string_view& s) {
    uint64_t n;
    if (!varint(n) || n > in_.size()) return false;
    s = in_.substr(0, n);
    in_.remove_prefix(n);
    return true;
  }
  bool byte(unsigned char& b) {
    if (in_.empty()) return false;
    b = static_cast<unsigned char>(in_.front());
    in_.remove_prefix(1);
    return true;
  }
  bool done() const { return in_.empty(); }

 private:
  std::string_view in_;
};

}  // namespace

void DeliveryPlan::reserve(size_t entries, size_t id_bytes) {
  ids_.reserve(id_bytes);
  id_end_.reserve(entries);
  state_.reserve(entries);
  reason_.reserve(entries);
  next_at_.reserve(entries);
}

uint16_t DeliveryPlan::reason_index(std::string_view reason) {
  for (size_t i = 0; i < reasons_.size(); ++i)
    if (reasons_[i] == reason) return static_cast<uint16_t>(i);
  // Reasons are reason codes (an enum's names, two planner constants) or short transport texts: a plan
  // never comes near this.
  if (reasons_.size() > UINT16_MAX) throw std::length_error("a delivery plan has too many distinct reasons");
  reasons_.emplace_back(reason);
  return static_cast<uint16_t>(reasons_.size() - 1);
}

void DeliveryPlan::add(std::string_view person_id, DeliveryState state, std::string_view reason,
                       Micros next_at) {
  if (!plannable(state)) {
    state = DeliveryState::kBlocked;
    reason = kInvalidState;
  }
  ids_.append(person_id);
  id_end_.push_back(static_cast<uint32_t>(ids_.size()));
  state_.push_back(state);
  reason_.push_back(reason.empty() ? 0 : reason_index(reason));
  next_at_.push_back(state == DeliveryState::kQueued ? next_at : 0);
}

void DeliveryPlan::append(const DeliveryPlan& other) {
  reserve(size() + other.size(), ids_.size() + other.ids_.size());
  for (size_t i = 0; i < other.size(); ++i) {
    Entry e = other[i];
    add(e.person_id, e.state, e.reason, e.next_at);
  }
}

DeliveryPlan::Entry DeliveryPlan::operator[](size_t seq) const {
  uint32_t begin = seq == 0 ? 0 : id_end_[seq - 1];
  return {std::string_view(ids_).substr(begin, id_end_[seq] - begin), state_[seq], reasons_[reason_[seq]],
          next_at_[seq]};
}

std::string DeliveryPlan::encode(size_t begin, size_t end) const {
  end = std::min(end, size());
  begin = std::min(begin, end);
  Micros base = 0;
  for (size_t i = begin; i < end && base == 0; ++i) base = next_at_[i];
  std::string out;
  out.reserve((end - begin) * 48 + 16);
  out.push_back(kFormat);
  put_varint(out, end - begin);
  put_signed(out, base);
  for (size_t i = begin; i < end; ++i) {
    Entry e = (*this)[i];
    out.push_back(static_cast<char>(e.state));
    put_bytes(out, e.reason);
    if (e.state == DeliveryState::kQueued) put_signed(out, e.next_at - base);
    put_bytes(out, e.person_id);
  }
  return out;
}

bool DeliveryPlan::decode_append(std::string_view chunk) {
  Reader in(chunk);
  unsigned char format;
  uint64_t count;
  int64_t base;
  if (!in.byte(format) || format != kFormat || !in.varint(count) || !in.signed_varint(base)) return false;
  DeliveryPlan part;
  part.reserve(count, count * 36);
  for (uint64_t i = 0; i < count; ++i) {
    unsigned char state;
    std::string_view reason, id;
    int64_t delta = 0;
    if (!in.byte(state) || !in.bytes(reason)) return false;
    auto s = static_cast<DeliveryState>(state);
    if (!plannable(s)) return false;
    if (s == DeliveryState::kQueued && !in.signed_varint(delta)) return false;
    if (!in.bytes(id)) return false;
    part.add(id, s, reason, s == DeliveryState::kQueued ? base + delta : 0);
  }
  if (!in.done()) return false;
  if (empty())
    *this = std::move(part);
  else
    append(part);
  return true;
}

std::vector<DeliveryGroup> plan_groups(const DeliveryPlan& plan) {
  std::map<std::pair<DeliveryState, std::string_view>, int64_t> counts;
  for (size_t i = 0; i < plan.size(); ++i) {
    auto e = plan[i];
    ++counts[{e.state, e.state == DeliveryState::kQueued ? std::string_view() : e.reason}];
  }
  std::vector<DeliveryGroup> out;
  for (const auto& [key, n] : counts) out.push_back({key.first, std::string(key.second), n, 0, 0, 0, 0});
  return out;
}

std::vector<DeliveryGroup> combine_groups(const std::vector<DeliveryGroup>& plan, bool stopped,
                                          const std::vector<DeliveryGroup>& rows) {
  int64_t left = 0;
  for (const auto& g : rows) left += g.count;
  std::vector<DeliveryGroup> out = rows;
  for (const auto& g : plan) {
    if (g.state != DeliveryState::kQueued) {
      out.push_back(g);
      continue;
    }
    int64_t still = g.count - left;  // queued entries whose delivery has not left the plan
    if (still > 0)
      out.push_back({stopped ? DeliveryState::kStopped : DeliveryState::kQueued, "", still, 0, 0, 0, 0});
  }
  return out;
}

std::vector<DeliveryGroup> fold_plan(const std::vector<DeliveryGroup>& plan, bool stopped,
                                     const std::vector<DeliveryGroup>& counts) {
  std::map<std::pair<DeliveryState, std::string>, DeliveryGroup> merged;
  for (const auto& g : combine_groups(plan, stopped, counts)) {
    auto& m = merged[{g.state, g.reason}];
    m.state = g.state;
    m.reason = g.reason;
    m.count += g.count;
    m.opened += g.opened;
    m.clicked += g.clicked;
    m.unsubscribed += g.unsubscribed;
    m.handed_over += g.handed_over;
  }
  std::vector<DeliveryGroup> out;
  for (auto& [key, g] : merged) out.push_back(std::move(g));
  return out;
}

}  // namespace tocsin::store
