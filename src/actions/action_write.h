// Creating and changing actions (petitions, events, ...): validated before anything changes, applied to
// the organization's ActionBook and queued in the same WriteBatch. Runs on the committer thread with
// OrgState::mu held exclusively.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "actions/action.h"
#include "actions/action_type.h"
#include "people/directory.h"

namespace tocsin::actions {

// What a client sent for an action; absent members change nothing on update.
struct ActionInput {
  RawFields fields;  // documented fields only
  std::vector<std::string> identifiers;
  std::optional<std::string> creator_id;      // from _links.osdi:creator (last path segment)
  std::optional<std::string> disclosure;      // tocsin:disclosure
  std::optional<std::string> sms_disclosure;  // raw JSON of tocsin:sms_disclosure; "" removes it
  std::optional<std::string> purpose;         // tocsin:purpose, normalized by the parser
  // The hosted page's settings (actions/action.h): tocsin:slug, tocsin:fields, tocsin:language, tocsin:goal.
  std::optional<std::string> slug;
  std::optional<std::vector<std::string>> page_fields;
  std::optional<std::string> language;
  std::optional<int64_t> goal;
  std::optional<std::string> challenge;  // tocsin:challenge: "auto" (stored as ""), "on", "off"
};

// The fields a hosted page may ask for (tocsin:fields).
bool known_page_field(std::string_view name);

// `parent_id`: the event campaign an event is created through, else empty.
Result<const Action*> create_action(people::OrgState& org, const ActionType& type, ActionInput in,
                                    const std::string& parent_id, store::WriteBatch::OrgWrites& w,
                                    Micros now);

// Merges the given fields into the action (PUT semantics of AN: only what is sent changes). 404 when the
// id is not an action of this kind in this organization.
Result<const Action*> update_action(people::OrgState& org, const ActionType& type, const std::string& id,
                                    ActionInput in, store::WriteBatch::OrgWrites& w, Micros now);

}  // namespace tocsin::actions
