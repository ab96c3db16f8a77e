// The action kinds as data: one descriptor per collection says what differs (names, link relations,
// counters, whether records are deduplicated, which fields are documented and the JSON type of each). All
// code paths (store, memory, API) are generic over these descriptors, so the kinds cannot drift apart.
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

// The JSON type a documented field must have; a client's value of another type is refused with 400 naming
// the field (api/field_check.h). JSON null is accepted for every field (it clears it).
enum class FieldKind {
  kString,
  kBool,
  kCount,   // a non-negative integer (capacity, minutes)
  kNumber,  // any finite number (latitude, longitude)
  kDate,    // a string parse_iso8601 accepts ("2014-03-25", "2014-03-25T14:00:00Z", "2014-03-25 14:00:00")
  kAmount,  // a non-negative decimal with at most two decimals, as a string or a number ("3.00")
  kObject,  // an object; `members` types the members it names, other members pass as sent
  kList,    // an array; `members` holds the one spec every element must meet
  kStringOrList,  // a string or an array as in `members` (advocacy campaign targets: AN sends both)
};

struct FieldSpec {
  std::string_view name{};
  FieldKind kind = FieldKind::kString;
  std::vector<FieldSpec> members{};
};

// The spec of field `name`, or null when it is not documented.
const FieldSpec* find_spec(const std::vector<FieldSpec>& specs, std::string_view name);

// A record field the API writes when the record does not carry it (donations: amount, currency, recurrence).
enum class Derive {
  kJson,              // the constant `json`
  kRecipientsTotal,   // the sum of recipients[].amount, as a decimal string (Action Network's `amount`)
  kActionFieldOrJson  // the action's field of the same name, else the constant `json`
};
struct RecordDefault {
  std::string_view name;
  Derive how;
  std::string_view json{};
};

struct CounterSpec {
  std::string_view name;  // "total_signatures"
  Count what;
};

struct ActionType {
  std::string_view collection{};  // URL segment and kind id: "petitions"
  std::string_view rel{};         // embedded key: "osdi:petitions"
  // The entry point's link to the collection when it differs from `rel`: OSDI clients (osdi-client) build a
  // class for every `osdi:` link from a fixed list, so Action Network links its extensions as
  // `action_network:` there even where the collection's embedded key is `osdi:` (unique_id_lists).
  std::string_view entry_rel{};
  std::string_view singular{};  // "petition" (link osdi:petition from records, action_network:petition_id)
  std::string_view link_ns{};   // namespace of the item link on records: "osdi"
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
  std::vector<FieldSpec> fields{};         // documented fields, type-checked, then stored as sent
  std::vector<FieldSpec> record_fields{};  // documented record fields
  std::vector<RecordDefault> record_defaults{};
};

// The entry point's link relation of the collection (entry_rel, else rel).
std::string_view entry_rel(const ActionType& type);

// The name of one record ("signature"), from the helper relation; empty when the kind has no records.
std::string_view record_name(const ActionType& type);

// Every kind, in the order the entry point lists them.
const std::vector<ActionType>& action_types();
// By collection segment ("petitions"); null when there is no such kind.
const ActionType* type_by_collection(std::string_view collection);
// By record collection segment ("signatures"); null when none.
const ActionType* type_by_record_collection(std::string_view record_collection);

}  // namespace tocsin::actions
