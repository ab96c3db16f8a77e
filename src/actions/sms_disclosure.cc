#include "actions/sms_disclosure.h"

#include <simdjson.h>

#include "core/text.h"

namespace tocsin::actions {
namespace {

bool is_web_url(std::string_view s) {
  return s.rfind("https://", 0) == 0 || s.rfind("http://", 0) == 0;
}

}  // namespace

Result<SmsDisclosure> parse_sms_disclosure(std::string_view raw_json) {
  thread_local simdjson::dom::parser parser;
  simdjson::dom::object o;
  if (parser.parse(raw_json.data(), raw_json.size()).get_object().get(o))
    return bad_request("tocsin:sms_disclosure must be an object");
  SmsDisclosure d;
  struct Slot {
    const char* key;
    std::string* dst;
  };
  for (auto [key, dst] :
       {Slot{"program_name", &d.program_name}, Slot{"message_frequency", &d.message_frequency},
        Slot{"rates", &d.rates}, Slot{"help", &d.help}, Slot{"stop", &d.stop},
        Slot{"terms_url", &d.terms_url}, Slot{"privacy_url", &d.privacy_url}}) {
    std::string_view v;
    if (o[key].get_string().get(v) || v.find_first_not_of(" \t\r\n") == std::string_view::npos)
      return bad_request(std::string("tocsin:sms_disclosure.") + key + " is required for an SMS opt-in");
    *dst = std::string(v);
  }
  if (!contains_ascii_nocase(d.rates, "Msg & data rates may apply"))
    return bad_request("tocsin:sms_disclosure.rates must say \"Msg & data rates may apply\"");
  if (d.help.find("HELP") == std::string::npos)
    return bad_request("tocsin:sms_disclosure.help must tell people to text HELP");
  if (d.stop.find("STOP") == std::string::npos)
    return bad_request("tocsin:sms_disclosure.stop must tell people to text STOP");
  if (!is_web_url(d.terms_url)) return bad_request("tocsin:sms_disclosure.terms_url must be a web URL");
  if (!is_web_url(d.privacy_url)) return bad_request("tocsin:sms_disclosure.privacy_url must be a web URL");
  return d;
}

std::string disclosure_text(const SmsDisclosure& d) {
  return d.program_name + ": " + d.message_frequency + ". " + d.rates + ". " + d.help + ". " + d.stop +
         ". Terms: " + d.terms_url + " Privacy: " + d.privacy_url;
}

}  // namespace tocsin::actions
