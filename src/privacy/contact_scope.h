// The contact points a consent-evidence request or packet covers, from what a complaint names: a file of
// addresses and numbers, one message (everyone it was handed over to), one SMS sender number (everyone any
// message from it was handed over to) or one list (its members' email addresses and phone numbers). Read from
// the store (the administrator's CLI runs beside the server, not inside it).
#pragma once

#include <string>
#include <vector>

#include "core/org.h"
#include "privacy/evidence_request.h"
#include "store/store.h"

namespace tocsin::privacy {

// Normalizes one address or number (a number without a country code in the organization's region).
Result<ContactRef> parse_contact(std::string_view raw, const Org& org);

// Addresses and numbers, one per line; blank lines and lines starting with '#' are skipped. A line that does
// not normalize fails the whole file (400, naming the line).
Result<std::vector<ContactRef>> contacts_from_lines(std::string_view text, const Org& org);

Result<std::vector<ContactRef>> contacts_of_message(store::OrgScope& scope, const std::string& message_id);
Result<std::vector<ContactRef>> contacts_of_sender(store::OrgScope& scope, const Org& org,
                                                   const std::string& number);
Result<std::vector<ContactRef>> contacts_of_list(store::OrgScope& scope, const std::string& list_id);

}  // namespace tocsin::privacy
