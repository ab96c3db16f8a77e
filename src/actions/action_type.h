// The action kinds as data: one descriptor per collection says what differs (names, link relations,
// counters, whether records are deduplicated, which fields are documented and which are dates). All code
// paths (store, memory, API) are generic over these descriptors, so the kinds cannot drift apart.
#pragma once

#include <string_view>
#include <vector>

namespace tocsin::actions {

// What a counter counts, over an action's records (or, for event campaigns, its child events).
enum class Count {
  kRecords,       // every record (total_signatures, total_submissions, total_donations, ...)
  kAccepted,      // records whose status is "accepted" or unset (events: total_accepted)
  kAmount,        // sum of donation amounts, written as a decimal string (total_amount)
  kChildActions,  // actions created through this one (event campaigns: total_events)
  kChildRecords,  // records of those child actions (event campaigns: total_rsvps)
};

struct CounterSpec {
  std::string_view name;  // "total_signatures"
  Count what;
};

struct ActionType {
  std::string_view collection{};  // URL segment and kind id: "petitions"
  std::string_view rel{};         // embedded key: "osdi:petitions"
  std::string_view singular{};    // "petition" (link osdi:petition from records, action_network:petition_id)
  std::string_view link_ns{};     // namespace of the item link on records: "osdi"
  // Records; empty collection when the kind has none.
  std::string_view record_collection{};  // "signatures"
  std::string_view record_rel{};         // "osdi:signatures"
  std::string_view helper_rel{};         // "osdi:record_signature_helper"
  bool dedup = false;                    // one record per person per action (a repeat updates it)
  // Child actions (event campaigns own events); empty when none.
  std::string_view child_collection{};
  bool writable = true;     // false: read-only over the API (created with `tocsin actions create`)
  bool has_creator = true;  // carries osdi:creator
  std::vector<CounterSpec> counters{};
  std::vector<std::string_view> fields{};         // documented fields, stored as sent
  std::vector<std::string_view> date_fields{};    // of those, the ones filters compare as instants
  std::vector<std::string_view> record_fields{};  // documented record fields
};

// The name of one record ("signature"), from the helper relation; empty when the kind has no records.
std::string_view record_name(const ActionType& type);

// Every kind, in the order the entry point lists them.
const std::vector<ActionType>& action_types();
// By collection segment ("petitions"); null when there is no such kind.
const ActionType* type_by_collection(std::string_view collection);
// By record collection segment ("signatures"); null when none.
const ActionType* type_by_record_collection(std::string_view record_collection);

}  // namespace tocsin::actions
