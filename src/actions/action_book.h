// ActionBook: one organization's actions and records in memory, with the indexes and counters the API
// serves from (a viral petition's total is a lookup, not a COUNT). Lives inside people::OrgState and follows
// its locking: changed only by the committer with OrgState::mu held exclusively, read under a shared lock.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "actions/action.h"
#include "actions/action_type.h"
#include "actions/tally.h"

namespace tocsin::actions {

class ActionBook {
 public:
  // Inserts or replaces (same id) an action.
  void put_action(Action a);
  // Inserts or replaces (same id) a record, moving its contribution to the counters.
  void put_record(ActionRecord r);
  // Erasure: drops every record of the person, and their contribution to the counters.
  void forget_records_of(const std::string& person_id);

  const Action* find_action(const std::string& id) const;
  // The action only if it is of `kind` (a petition id under /forms is unknown there).
  const Action* find_action(const std::string& kind, const std::string& id) const;
  const ActionRecord* find_record(const std::string& id) const;
  // The person's record on a deduplicated action, or null.
  const ActionRecord* record_of(const std::string& action_id, const std::string& person_id) const;

  // Ids in creation order.
  const std::vector<std::string>& actions_of_kind(const std::string& kind) const;
  const std::vector<std::string>& records_of_action(const std::string& action_id) const;
  const std::vector<std::string>& records_of_person(const std::string& person_id) const;
  const std::vector<std::string>& children_of(const std::string& action_id) const;

  Tally tally(const std::string& action_id) const;
  // Moves with every put_action (never with a record): what a rendered page was made from is still current
  // while this is unchanged (web/page_cache.h).
  uint64_t definitions() const { return definitions_; }
  // A counter's value as JSON text (numbers, or "302.14" as a string for amounts).
  std::string counter_json(const CounterSpec& c, const Action& a) const;

 private:
  std::unordered_map<std::string, Action> actions_;
  std::unordered_map<std::string, std::vector<std::string>> by_kind_, children_;
  std::unordered_map<std::string, ActionRecord> records_;
  std::unordered_map<std::string, std::vector<std::string>> by_action_, by_person_;
  std::map<std::pair<std::string, std::string>, std::string> by_action_person_;
  std::unordered_map<std::string, Tally> tallies_;
  uint64_t definitions_ = 0;
};

}  // namespace tocsin::actions
