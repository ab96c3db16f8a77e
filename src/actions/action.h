// Actions (petitions, forms, events, fundraising pages, advocacy campaigns, ...) and their records
// (signatures, submissions, attendances, donations, outreaches) as plain data. What distinguishes one kind
// from another lives in data (actions/action_type.h), not in code: the documented fields of a kind are kept
// as raw JSON values by name, so every kind shares one representation, one codec and one store table.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/clock.h"

namespace tocsin::actions {

// A documented field as the client sent it: name and its minified JSON value.
using RawField = std::pair<std::string, std::string>;
using RawFields = std::vector<RawField>;

// The raw JSON of field `name`, or null.
const std::string* find_field(const RawFields& fields, std::string_view name);
// The field's value when it is a JSON string (unescaped), else nullopt.
std::optional<std::string> string_field(const RawFields& fields, std::string_view name);
// Sets (or replaces) a field, keeping the others' order.
void set_field(RawFields& fields, std::string name, std::string raw_json);

struct Action {
  std::string id;    // lowercase UUID
  std::string kind;  // action type collection, e.g. "petitions" (actions/action_type.h)
  Micros created = 0, modified = 0;
  std::string creator_id;                // person id of the creator, empty when none was given
  std::string parent_id;                 // the event campaign of an event created through it, else empty
  std::vector<std::string> identifiers;  // foreign "system:id"
  RawFields fields;                      // the kind's documented fields (title, petition_text, start_date...)
  // Consent language shown with the action, and its version (bumped whenever the text changes), so a ledger
  // entry can name exactly what the signer saw.
  std::string disclosure;      // email/general consent text (tocsin:disclosure)
  std::string sms_disclosure;  // raw JSON of tocsin:sms_disclosure (actions/sms_disclosure.h), or empty
  int disclosure_version = 1;
  // The hosted page (web/): its URL slug (unique per organization and kind, made from the title at creation,
  // editable as tocsin:slug), the fields it asks for (tocsin:fields; empty = the default name, email, ZIP),
  // its language (tocsin:language, "en" or "es"; empty = the visitor's) and goal (tocsin:goal; 0 = none).
  std::string slug;
  std::vector<std::string> page_fields;
  std::string language;
  int64_t goal = 0;
  // The page's proof-of-work challenge (web/challenge.h, tocsin:challenge): "" = automatic (when the action
  // is under attack), "on" = always, "off" = never.
  std::string challenge = {};
  // What a signer's consent through this action is for (tocsin:purpose; consent/scope.h, normalized; empty
  // = the organization's messages in general). Part of the consent language: a change bumps the version.
  std::string purpose = {};
};

struct ActionRecord {
  std::string id;
  std::string action_id;
  std::string person_id;
  Micros created = 0, modified = 0;
  std::vector<std::string> identifiers;
  RawFields fields;           // comments, status, amount, recipients, targets, ...
  std::string referrer_data;  // raw JSON object (referrer_data / action_network:referrer_data), or empty
  bool autoresponse_requested = false;  // triggers.autoresponse.enabled; handed to messaging
};

}  // namespace tocsin::actions
