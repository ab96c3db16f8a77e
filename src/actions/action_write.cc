#include "actions/action_write.h"

#include <algorithm>

#include "actions/donation_amounts.h"
#include "actions/letter.h"
#include "actions/sms_disclosure.h"
#include "core/ids.h"
#include "core/slug.h"

namespace tocsin::actions {
namespace {

bool slug_taken(const people::OrgState& org, const std::string& kind, const std::string& slug,
                const std::string& self) {
  for (const auto& id : org.actions.actions_of_kind(kind)) {
    const Action* a = org.actions.find_action(id);
    if (a && a->id != self && a->slug == slug) return true;
  }
  return false;
}

Status validate_page(const people::OrgState& org, const ActionType& type, const ActionInput& in,
                     const std::string& self) {
  if (in.slug) {
    if (!valid_slug(*in.slug))
      return bad_request("tocsin:slug must be lower-case letters, digits and single hyphens");
    if (slug_taken(org, std::string(type.collection), *in.slug, self))
      return bad_request("tocsin:slug is already used by another " + std::string(type.singular));
  }
  if (in.page_fields)
    for (const auto& f : *in.page_fields)
      if (!known_page_field(f))
        return bad_request("tocsin:fields: unknown field '" + f + "' (name, email, phone, zip, comments)");
  if (in.language && !in.language->empty() && *in.language != "en" && *in.language != "es")
    return bad_request("tocsin:language must be \"en\" or \"es\"");
  if (in.goal && *in.goal < 0) return bad_request("tocsin:goal must not be negative");
  if (in.challenge && *in.challenge != "auto" && *in.challenge != "on" && *in.challenge != "off")
    return bad_request("tocsin:challenge must be \"auto\", \"on\" or \"off\"");
  if (type.collection == "fundraising_pages")
    if (auto s = check_donation_settings(in.fields); !s) return s;
  if (type.collection == "advocacy_campaigns")
    if (auto s = check_letter_settings(in.fields); !s) return s;
  if (type.collection == "advocacy_campaigns")
    if (auto s = check_target_emails(in.fields); !s) return s;
  return Ok{};
}

Status validate(const people::OrgState& org, const ActionInput& in) {
  if (in.creator_id && !in.creator_id->empty() && !org.find_person(*in.creator_id))
    return bad_request("osdi:creator: no such person in this organization");
  if (in.sms_disclosure && !in.sms_disclosure->empty())
    if (auto d = parse_sms_disclosure(*in.sms_disclosure); !d) return d.error();
  for (const auto& id : in.identifiers)
    if (id.find(':') == std::string::npos || id.rfind("action_network:", 0) == 0)
      return bad_request("identifiers must look like \"system:id\" and not use action_network:");
  return Ok{};
}

// Applies the input onto `a`; bumps the disclosure version when the consent language changes.
void merge(Action& a, ActionInput& in) {
  for (auto& [k, v] : in.fields) set_field(a.fields, std::move(k), std::move(v));
  for (auto& id : in.identifiers)
    if (std::find(a.identifiers.begin(), a.identifiers.end(), id) == a.identifiers.end())
      a.identifiers.push_back(std::move(id));
  if (in.creator_id) a.creator_id = *in.creator_id;
  bool changed = false;
  if (in.disclosure && *in.disclosure != a.disclosure) {
    a.disclosure = *in.disclosure;
    changed = true;
  }
  if (in.sms_disclosure && *in.sms_disclosure != a.sms_disclosure) {
    a.sms_disclosure = *in.sms_disclosure;
    changed = true;
  }
  if (in.purpose && *in.purpose != a.purpose) {
    a.purpose = *in.purpose;
    changed = true;
  }
  if (changed && a.created != 0) ++a.disclosure_version;
  if (in.slug) a.slug = *in.slug;
  if (in.page_fields) a.page_fields = *in.page_fields;
  if (in.language) a.language = *in.language;
  if (in.goal) a.goal = *in.goal;
  if (in.challenge) a.challenge = *in.challenge == "auto" ? "" : *in.challenge;
}

}  // namespace

bool known_page_field(std::string_view name) {
  return name == "name" || name == "email" || name == "phone" || name == "zip" || name == "comments";
}

Result<const Action*> create_action(people::OrgState& org, const ActionType& type, ActionInput in,
                                    const std::string& parent_id, store::WriteBatch::OrgWrites& w,
                                    Micros now) {
  if (auto s = validate(org, in); !s) return s.error();
  if (auto s = validate_page(org, type, in, ""); !s) return s.error();
  Action a;
  a.id = new_uuid();
  a.kind = std::string(type.collection);
  a.parent_id = parent_id;
  merge(a, in);
  a.created = a.modified = now;
  if (a.slug.empty()) {
    std::string title = string_field(a.fields, "title").value_or(string_field(a.fields, "name").value_or(""));
    a.slug = unique_slug(slugify(title, type.singular),
                         [&](const std::string& s) { return slug_taken(org, a.kind, s, a.id); });
  }
  if (!parent_id.empty()) set_field(a.fields, "action_network:event_campaign_id", "\"" + parent_id + "\"");
  std::string id = a.id;
  w.add(store::op::PutAction{a});
  org.actions.put_action(std::move(a));
  return org.actions.find_action(id);
}

Result<const Action*> update_action(people::OrgState& org, const ActionType& type, const std::string& id,
                                    ActionInput in, store::WriteBatch::OrgWrites& w, Micros now) {
  const Action* found = org.actions.find_action(std::string(type.collection), id);
  if (!found) return not_found("Couldn't find " + std::string(type.singular) + " with id = " + id);
  if (auto s = validate(org, in); !s) return s.error();
  if (auto s = validate_page(org, type, in, id); !s) return s.error();
  Action a = *found;
  merge(a, in);
  a.modified = now;
  w.add(store::op::PutAction{a});
  org.actions.put_action(std::move(a));
  return org.actions.find_action(id);
}

}  // namespace tocsin::actions
