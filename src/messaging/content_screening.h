// A message's content as the gate's content rules read it (policy/content/screener.h), and the screening
// written as JSON for the preflight, the held-message record and the review queue.
#pragma once

#include <memory>
#include <string>

#include "core/json_out.h"
#include "messaging/message.h"
#include "policy/gate.h"

namespace tocsin::messaging {

// The email templates as the organization wrote them, with the message's approval (one value per blast).
std::shared_ptr<const policy::EmailContent> email_content(const Message& m);

// The message's screening as the gate judges it: email from its templates; a text as sent to a first-time
// recipient without merge values (brand prefix and opt-out line included). Per-recipient merge values
// are screened as they render, by the gate at plan and dispatch.
policy::content::Screening screen_message(const policy::Gate& gate, const std::string& org_id,
                                          const std::string& brand, const Message& m);

// {"verdict": ..., "findings": [{verdict, code, part, begin, end, excerpt, sentence}...], "spam": ...}
void write_screening(JsonOut& j, const policy::content::Screening& s);
// The findings alone, as a JSON array (stored with a held message).
std::string findings_json(const policy::content::Screening& s);

}  // namespace tocsin::messaging
