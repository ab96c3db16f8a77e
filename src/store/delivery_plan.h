// DeliveryPlan: every recipient of one blast as the planner decided, in audience order (seq = index), held
// compactly — about 50 bytes a recipient in memory and 45 in the store, where a DeliveryRow each (ids,
// address, hash, reason as strings) is ten times that and a million of them took seconds to insert.
//
// The plan is a recipient's state until its delivery first leaves it: a `deliveries` row is written only by
// the dispatcher (the `handing` mark, a deferral or refusal at dispatch, `stopped`), with seq = the plan
// index, so lookups by (message, seq) and (message, person) find everything that was handed over. A recipient
// without a row is what its entry says:
//   queued      due at next_at (later than planning when the gate deferred it: quiet hours, caps; the reason
//               then says why), or `stopped` once the plan is marked stopped (store/store.h stop_plan);
//   suppressed  excluded, with the gate's reason code (or no_email_address / no_phone_number);
//   blocked     refused with the message, with the gate's reason code.
// So every exclusion keeps its reason without a row (DESIGN invariant 6).
//
// Stored in chunks (OrgScope::put_plan). A chunk's encoding, version 1:
//   0x01, varint count, zigzag varint base (micros), then per entry:
//   state byte, varint reason length + bytes, [queued only: zigzag varint next_at - base],
//   varint person id length + bytes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "store/store.h"

namespace tocsin::store {

class DeliveryPlan {
 public:
  struct Entry {
    std::string_view person_id;
    DeliveryState state = DeliveryState::kQueued;  // kQueued, kSuppressed or kBlocked
    std::string_view reason;
    Micros next_at = 0;  // queued: when it is due
  };

  void reserve(size_t entries, size_t id_bytes);
  // `state` must be kQueued, kSuppressed or kBlocked (a plan holds nothing else); others are stored as
  // kBlocked with reason "invalid_plan_state" rather than silently sent.
  void add(std::string_view person_id, DeliveryState state, std::string_view reason, Micros next_at);
  // Appends every entry of `other` (the planner's parts, planned in parallel).
  void append(const DeliveryPlan& other);

  size_t size() const { return state_.size(); }
  bool empty() const { return state_.empty(); }
  Entry operator[](size_t seq) const;

  // The encoding of entries [begin, end) (clamped to size()).
  std::string encode(size_t begin, size_t end) const;
  // Appends the entries of one encoded chunk; false (and nothing appended) when it is malformed.
  bool decode_append(std::string_view chunk);

 private:
  uint16_t reason_index(std::string_view reason);

  std::string ids_;               // person ids, back to back
  std::vector<uint32_t> id_end_;  // where each entry's id ends in ids_
  std::vector<DeliveryState> state_;
  std::vector<uint16_t> reason_;          // index into reasons_
  std::vector<std::string> reasons_{""};  // the few distinct reason codes of a plan; 0 is ""
  std::vector<Micros> next_at_;
};

// A plan's counts by (state, reason) — queued entries under reason "" like DeliveryGroup — which the store
// keeps beside the chunks so statistics never read the entries.
std::vector<DeliveryGroup> plan_groups(const DeliveryPlan& plan);

// Statistics of a message with a plan: the plan's groups, minus the entries that left it (each row is one
// queued entry's), plus the rows' groups. Queued entries without a row count as `stopped` once the plan is.
std::vector<DeliveryGroup> combine_groups(const std::vector<DeliveryGroup>& plan, bool stopped,
                                          const std::vector<DeliveryGroup>& rows);

// Retention's fold of a plan (Store::aggregate_deliveries): combine_groups of the plan with the counts its
// rows were folded into, one group per (state, reason) — the message's counts once the plan is deleted.
std::vector<DeliveryGroup> fold_plan(const std::vector<DeliveryGroup>& plan, bool stopped,
                                     const std::vector<DeliveryGroup>& counts);

}  // namespace tocsin::store
