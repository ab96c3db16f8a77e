// An organization's privacy notice, /o/{org}/privacy, generated from what the organization states
// (privacy/privacy_notice.h: controller, contact, DPO, retention), what the product does (the data a form
// collects, the consent record, the rights and how to use them through the preference center) and its texting
// program's terms — so the notice cannot promise something the code does not do. Linked from every page's
// footer beside the cookies notice.
#pragma once

#include <memory>
#include <string>

#include "people/directory.h"
#include "web/exchange.h"
#include "web/web_service.h"

namespace tocsin::web {

// GET /o/{org}/privacy.
void privacy_page(const WebContext& ctx, const std::shared_ptr<Exchange>& ex, const people::OrgState& org);

// The texting program's terms as a complete SMS disclosure (actions/sms_disclosure.h: program, frequency,
// rates, HELP, STOP, terms and privacy links to the notice above): the privacy notice states them, and the
// preference center shows them above the button that re-subscribes a number. Caller holds org.mu shared.
std::string program_disclosure(const people::OrgState& org, const std::string& public_url);

}  // namespace tocsin::web
