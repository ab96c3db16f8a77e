// What an organization's privacy notice says about itself (/o/{org}/privacy, web/notice_pages.h): the data
// controller's name, how to reach it, its data protection officer and how long it keeps supporters' data.
// Stored as one organization document (kind `privacy_notice`, id `notice`), written by the organization's key
// (PUT /api/v2/tocsin:privacy_notice) and read when the page is served. Fields left empty fall back to what
// the organization already has (its name; the texting program's support contact or the postal address).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/org.h"
#include "core/result.h"
#include "messaging/settings.h"
#include "store/store.h"

namespace tocsin::privacy {

inline constexpr std::string_view kPrivacyNoticeKind = "privacy_notice";
inline constexpr std::string_view kPrivacyNoticeId = "notice";

struct PrivacyNotice {
  std::string controller_name;  // the legal name of the data controller
  std::string contact;          // an email address, phone or postal address for privacy questions
  std::string dpo;              // the data protection officer and how to reach them; empty: none designated
  std::string retention;        // the organization's own words on retention; the page adds the policy's
                                // (privacy/retention.h), which is what the sweeper does
};

std::string encode_privacy_notice(const PrivacyNotice& n);
Result<PrivacyNotice> decode_privacy_notice(std::string_view doc);
store::OrgDoc privacy_notice_doc(const PrivacyNotice& n);

// The notice as shown: `stored` (if any) with empty names and contacts filled from the organization.
PrivacyNotice notice_as_shown(const std::optional<PrivacyNotice>& stored, const Org& org,
                              const messaging::Settings& settings);

}  // namespace tocsin::privacy
