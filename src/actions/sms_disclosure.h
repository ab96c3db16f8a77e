// The SMS call-to-action disclosure an action must carry before it may collect an SMS opt-in
// (compliance-rules §1.6, SMS-O1): program name, message frequency, "Msg & data rates may apply", HELP and
// STOP instructions, and links to the terms and the privacy policy. An action is refused at create/update
// when it carries an incomplete one; a record helper accepts an SMS opt-in only through an action that
// carries a complete one (actions/record_helper.h).
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace tocsin::actions {

struct SmsDisclosure {
  std::string program_name, message_frequency, rates, help, stop, terms_url, privacy_url;
};

// Parses the raw JSON of tocsin:sms_disclosure; a 400 names the first missing or invalid slot.
Result<SmsDisclosure> parse_sms_disclosure(std::string_view raw_json);

// The exact text shown next to the opt-in box, as it enters the consent ledger.
std::string disclosure_text(const SmsDisclosure& d);

}  // namespace tocsin::actions
