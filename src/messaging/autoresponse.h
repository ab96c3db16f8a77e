// An action's autoresponse: the "thank you" email a record helper POST with triggers.autoresponse.enabled
// asks for (Action Network §3.3). Action Network sends it only for actions created in its UI with an
// autoresponse configured; API-created actions never autorespond. In tocsin the administrator's
// `tocsin actions create --json '{..., "tocsin:autoresponse": {...}}'` is that UI: the API's action parser
// does not read the field, so an action created or changed through /api/v2 cannot configure one.
//
// The field, kept among the action's fields as JSON:
//   {"subject": "Thanks, {{given_name}}{{^given_name}}friend{{/given_name}}",  (required, mstch)
//    "body": "<p>Thank you for signing.</p>",                                 (required, HTML, mstch)
//    "from": "Progressive Action",                                            (display name)
//    "from_address": "team@example.org",                                      (required: a verified domain)
//    "reply_to": "team@example.org"}
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "actions/action.h"
#include "core/result.h"

namespace tocsin::messaging {

inline constexpr std::string_view kAutoresponseField = "tocsin:autoresponse";

struct Autoresponse {
  std::string subject, body, from, from_address, reply_to;
  std::string from_domain() const;  // lower-case domain of from_address
};

// Checks a configuration given as minified JSON: 400 (with what is wrong) when it is not an object with a
// subject, a body and a from_address that looks like an address, or when a template does not parse.
Result<Autoresponse> parse_autoresponse(std::string_view json);

// The action's autoresponse, or nullopt when it has none (or an unreadable one).
std::optional<Autoresponse> autoresponse_of(const actions::Action& action);

}  // namespace tocsin::messaging
