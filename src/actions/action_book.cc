#include "actions/action_book.h"

namespace tocsin::actions {
namespace {

const std::vector<std::string>& ids_in(const std::unordered_map<std::string, std::vector<std::string>>& m,
                                       const std::string& key) {
  static const std::vector<std::string> kNone;
  auto it = m.find(key);
  return it == m.end() ? kNone : it->second;
}

}  // namespace

void ActionBook::put_action(Action a) {
  ++definitions_;
  auto it = actions_.find(a.id);
  if (it == actions_.end()) {
    by_kind_[a.kind].push_back(a.id);
    if (!a.parent_id.empty()) children_[a.parent_id].push_back(a.id);
    std::string id = a.id;
    actions_.emplace(std::move(id), std::move(a));
  } else {
    it->second = std::move(a);
  }
}

void ActionBook::put_record(ActionRecord r) {
  Tally& t = tallies_[r.action_id];
  auto it = records_.find(r.id);
  if (it != records_.end()) {
    t -= tally_of(it->second);
    t += tally_of(r);
    it->second = std::move(r);
    return;
  }
  t += tally_of(r);
  by_action_[r.action_id].push_back(r.id);
  by_person_[r.person_id].push_back(r.id);
  by_action_person_.try_emplace({r.action_id, r.person_id}, r.id);  // the first one wins (dedup key)
  std::string id = r.id;
  records_.emplace(std::move(id), std::move(r));
}

void ActionBook::forget_records_of(const std::string& person_id) {
  auto mine = by_person_.extract(person_id);
  if (mine.empty()) return;
  for (const auto& rid : mine.mapped()) {
    auto it = records_.find(rid);
    if (it == records_.end()) continue;
    const ActionRecord& r = it->second;
    tallies_[r.action_id] -= tally_of(r);
    std::erase(by_action_[r.action_id], rid);
    auto pair = by_action_person_.find({r.action_id, person_id});
    if (pair != by_action_person_.end() && pair->second == rid) by_action_person_.erase(pair);
    records_.erase(it);
  }
}

const Action* ActionBook::find_action(const std::string& id) const {
  auto it = actions_.find(id);
  return it == actions_.end() ? nullptr : &it->second;
}

const Action* ActionBook::find_action(const std::string& kind, const std::string& id) const {
  const Action* a = find_action(id);
  return a && a->kind == kind ? a : nullptr;
}

const ActionRecord* ActionBook::find_record(const std::string& id) const {
  auto it = records_.find(id);
  return it == records_.end() ? nullptr : &it->second;
}

const ActionRecord* ActionBook::record_of(const std::string& action_id, const std::string& person_id) const {
  auto it = by_action_person_.find({action_id, person_id});
  return it == by_action_person_.end() ? nullptr : find_record(it->second);
}

const std::vector<std::string>& ActionBook::actions_of_kind(const std::string& kind) const {
  return ids_in(by_kind_, kind);
}
const std::vector<std::string>& ActionBook::records_of_action(const std::string& action_id) const {
  return ids_in(by_action_, action_id);
}
const std::vector<std::string>& ActionBook::records_of_person(const std::string& person_id) const {
  return ids_in(by_person_, person_id);
}
const std::vector<std::string>& ActionBook::children_of(const std::string& action_id) const {
  return ids_in(children_, action_id);
}

Tally ActionBook::tally(const std::string& action_id) const {
  auto it = tallies_.find(action_id);
  return it == tallies_.end() ? Tally{} : it->second;
}

std::string ActionBook::counter_json(const CounterSpec& c, const Action& a) const {
  Tally t = tally(a.id);
  switch (c.what) {
    case Count::kRecords:
      return std::to_string(t.records);
    case Count::kAccepted:
      return std::to_string(t.accepted);
    case Count::kAmount:
      return "\"" + format_cents(t.amount_cents) + "\"";
    case Count::kChildActions:
      return std::to_string(children_of(a.id).size());
    case Count::kChildRecords: {
      int64_t sum = 0;
      for (const auto& child : children_of(a.id)) sum += tally(child).records;
      return std::to_string(sum);
    }
  }
  return "0";
}

}  // namespace tocsin::actions
