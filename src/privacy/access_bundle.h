// The access / portability bundle of a data-subject request (GDPR Art. 15 and 20): one ZIP with, per kind of
// data, a JSON file and a CSV file — person (fields, addresses, custom fields), tags, lists, action records,
// ledger entries with their evidence, deliveries (message, state, times, opens/clicks), inbound texts,
// suppressions and disclosures (to whom the data went: privacy/disclosure_log.h) — of the people of one
// organization that hold the subject's contact point, and nothing else. The caller holds the organization's
// lock shared.
#pragma once

#include <string>
#include <vector>

#include "people/directory.h"
#include "privacy/privacy_request.h"
#include "store/store.h"

namespace tocsin::privacy {

// The ids of the organization's people holding the subject's email address or phone number.
std::vector<std::string> subject_people(const people::OrgState& org, const ContactRef& subject);

Result<std::string> build_access_bundle(const people::OrgState& org, store::OrgScope& scope,
                                        const PrivacyRequest& request,
                                        const std::vector<std::string>& person_ids);

}  // namespace tocsin::privacy
