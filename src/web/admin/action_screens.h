// The console's actions: the list of an organization's actions with hosted pages (petitions, forms, events,
// fundraising pages, advocacy campaigns) and the form that creates one; one action's page with its hosted
// page's address, its consent language and version, the form that edits them, and its latest records.
// What is shown is read under the organization's shared lock, as the API reads it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "people/directory.h"
#include "web/admin/layout.h"

namespace tocsin::web::admin {

// The kinds the console creates: the ones with a hosted page (actions/page_path.h), in this order.
const std::vector<std::string>& console_action_kinds();

struct ActionRow {
  std::string id, title, kind, created, page_url;
  std::string page_path;  // the same page on this server, for the preview frame
  int64_t records = 0;
};

// What was typed into a create or edit form, kept when it comes back with an error.
struct ActionForm {
  std::string kind = "petitions", title, description, disclosure, goal;
  // The sites allowed to frame the embed, one per line (tocsin:embed_allowed_sites); only the edit form has
  // the field, so a create sends none.
  std::optional<std::string> embed_sites;
  std::string error;
};

struct RecordRow {
  std::string person_id, name, date;
};

struct ActionDetail {
  ActionRow row;
  std::string description, disclosure, purpose;
  int disclosure_version = 1;
  int64_t goal = 0;
  std::vector<std::string> embed_allowed_sites;
  std::vector<RecordRow> latest;  // newest first, at most kLatestRecords
};
inline constexpr size_t kLatestRecords = 50;

// Call with the organization's lock held (shared).
std::vector<ActionRow> list_actions(const people::OrgState& org, const std::string& public_url);
std::optional<ActionDetail> read_action(const people::OrgState& org, const std::string& id,
                                        const std::string& public_url);

std::string actions_page(const Frame& f, const std::vector<ActionRow>& rows, const ActionForm& typed);
// `edit`: the edit form's values (the action's own, or what was typed when it came back with an error).
std::string action_page(const Frame& f, const ActionDetail& a, const ActionForm& edit);

}  // namespace tocsin::web::admin
