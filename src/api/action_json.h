// Actions and their records in Action Network's JSON: parsing a client's body into the domain inputs
// (actions/action_write.h, actions/record_write.h) and writing the HAL representations, generically over
// the action type descriptors. Input is checked completely before anything is applied.
#pragma once

#include <simdjson.h>

#include <optional>
#include <string>
#include <vector>

#include "actions/action_write.h"
#include "actions/record_write.h"
#include "core/json_out.h"
#include "people/directory.h"

namespace tocsin::api {

// The last path segment of _links.<rel>.href (clients send absolute URLs, sometimes of actionnetwork.org).
std::optional<std::string> linked_id(simdjson::dom::element body, const char* rel);

Result<actions::ActionInput> parse_action(simdjson::dom::element body, const actions::ActionType& type);
Result<actions::RecordInput> parse_record(simdjson::dom::element body, const actions::ActionType& type);

std::string action_href(const std::string& api_base, const actions::Action& a);
std::string record_href(const std::string& api_base, const actions::ActionType& type,
                        const actions::ActionRecord& r);

// What of an action's representation changes while its definition does not (ActionBook::definitions): the
// kind's counters (with every record) and its creator's embedded person (absent when it has no creator or
// they were erased). A cached body (api/action_body_cache.h) holds markers in their place.
struct ActionLive {
  std::vector<std::string> counters;   // JSON text, one per type.counters, in order
  std::optional<std::string> creator;  // the creator's HAL person
};
// Caller holds org.mu (shared is enough).
ActionLive action_live(const people::OrgState& org, const actions::ActionType& type, const actions::Action& a,
                       const std::string& api_base);

// Caller holds org.mu (shared is enough).
void write_action(JsonOut& j, const people::OrgState& org, const actions::ActionType& type,
                  const actions::Action& a, const std::string& api_base);
// The same with the live parts given (their values, or markers).
void write_action(JsonOut& j, const people::OrgState& org, const actions::ActionType& type,
                  const actions::Action& a, const std::string& api_base, const ActionLive& live);
// Caller holds org.mu (shared is enough): the kind's record defaults may come from the action.
// `deliveries`: an outreach's `tocsin:deliveries` (a JSON array, messaging/letter_delivery.h), or empty.
void write_record(JsonOut& j, const people::OrgState& org, const actions::ActionType& type,
                  const actions::ActionRecord& r, const std::string& api_base,
                  const std::vector<std::string>& notices = {}, const std::string& deliveries = {});

// What write_record reads, copied under the organization's lock: a record helper's answer is then
// serialized once durable on the connection's io thread, not on the group committer (issue 16).
struct RecordView {
  const actions::ActionType* type = nullptr;
  actions::ActionRecord record;
  std::optional<actions::Action> action;  // only the fields the kind's record defaults read
  std::vector<std::string> notices;
};
RecordView record_view(const people::OrgState& org, const actions::ActionType& type,
                       const actions::ActionRecord& r, std::vector<std::string> notices = {});
void write_record(JsonOut& j, const RecordView& v, const std::string& api_base);

}  // namespace tocsin::api
