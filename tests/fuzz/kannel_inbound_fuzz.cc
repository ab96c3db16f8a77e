// Fuzz target: Kannel's callbacks to tocsin (sms/kannel_inbound.h), an MO text or a delivery report, as the
// form-encoded query string smsbox sends. Charset conversion (iconv) of the text is the interesting part.
#include <simdjson.h>

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "sms/kannel_inbound.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view raw(reinterpret_cast<const char*>(data), size);
  auto params = tocsin::sms::parse_form(raw);
  constexpr std::string_view kSecret = "fuzz-secret";
  if (auto mo = tocsin::sms::parse_kannel_mo(params, kSecret)) {
    // The contract: an accepted text is valid UTF-8, whatever charset it arrived in.
    if (!simdjson::validate_utf8(mo->text.data(), mo->text.size())) std::abort();
  }
  (void)tocsin::sms::parse_kannel_dlr(params, kSecret);
  return 0;
}
