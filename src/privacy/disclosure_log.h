// The disclosure log: to whom supporters' data went, what and under which basis (GDPR Art. 15(1)(c): "the
// recipients ... to whom the personal data have been or will be disclosed"; Art. 19: telling them of a
// rectification, erasure or restriction; Art. 30(1)(d)). docs/PRIVACY.md "The disclosure log".
//
// It is the access log (privacy/access_log.h) read for its disclosures: an entry that names a recipient.
// Two kinds of disclosure are recorded:
//  - to the reader, when the data leaves with them: an export (`tocsin export`, the console's CSV), a page
//    of people over the API, an access bundle or an evidence packet handed out. The recipient is the actor
//    and the address it read from; the basis is the one the read serves (disclosed_to_reader below);
//  - to a processor: blasts and one-off messages handed to the SMTP relay or the SMS gateway
//    (messaging/processor_disclosures.h).
// A person's disclosures are the entries that list them, the bulk ones that may have included them, and the
// hand-overs of the blasts their own deliveries were handed over in (store::AccessQuery).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "privacy/access_log.h"
#include "store/store.h"

namespace tocsin::privacy {

// Bases of disclosures to a reader.
// Staff and API keys of the organization read under its authority (Art. 29): what they take away is used
// under the basis the organization holds the data on, for its own purposes.
inline constexpr std::string_view kOwnUseBasis =
    "the organization's own use, under its authority (GDPR Art. 29), on the basis it holds the data on";
inline constexpr std::string_view kAccessRequestBasis = "the data subject's access request (GDPR Art. 15)";
inline constexpr std::string_view kPortabilityRequestBasis =
    "the data subject's portability request (GDPR Art. 20)";
inline constexpr std::string_view kEvidenceRequestBasis =
    "proof of consent asked for by a carrier or mailbox provider (GDPR Art. 7(1), 6(1)(f)); the platform's "
    "acceptable-use policy";

// "api_key:<id> from 198.51.100.7", or the actor alone when there is no address (the command line).
std::string reader_recipient(std::string_view actor, std::string_view ip);

// The read `r` as a disclosure to its reader under `basis`.
AccessRead disclosed_to_reader(AccessRead r, std::string_view basis);

// The disclosures concerning the people `person_ids` (each one's listed, bulk and blast entries), in seq
// order, each once.
Result<std::vector<store::AccessEntry>> disclosures_of(store::OrgScope& scope,
                                                       const std::vector<std::string>& person_ids);

}  // namespace tocsin::privacy
