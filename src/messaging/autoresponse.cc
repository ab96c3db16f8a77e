#include "messaging/autoresponse.h"

#include <simdjson.h>

#include "core/doc_fields.h"
#include "core/text.h"
#include "messaging/header_values.h"
#include "messaging/render.h"

namespace tocsin::messaging {

std::string Autoresponse::from_domain() const {
  auto at = from_address.rfind('@');
  return at == std::string::npos ? std::string() : lower_ascii(from_address.substr(at + 1));
}

Result<Autoresponse> parse_autoresponse(std::string_view json) {
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(json.data(), json.size()).get(root) || !root.is_object())
    return bad_request("tocsin:autoresponse must be an object");
  DocFields f(root);
  Autoresponse a{f.str("subject"), f.str("body"), f.str("from"), f.str("from_address"), f.str("reply_to")};
  for (auto [field, value] : {std::pair{"tocsin:autoresponse subject", &a.subject},
                              {"tocsin:autoresponse from", &a.from},
                              {"tocsin:autoresponse from_address", &a.from_address},
                              {"tocsin:autoresponse reply_to", &a.reply_to}})
    if (auto s = check_header_value(field, *value); !s) return s.error();
  if (trim_ascii_space(a.subject).empty() || trim_ascii_space(a.body).empty())
    return bad_request("tocsin:autoresponse needs a subject and a body");
  auto at = a.from_address.find('@');
  if (at == std::string::npos || at == 0 || at + 1 >= a.from_address.size())
    return bad_request(
        "tocsin:autoresponse needs a from_address on one of the organization's sending domains");
  if (auto s = check_template(a.subject, false); !s) return s.error();
  if (auto s = check_template(a.body, true); !s) return s.error();
  return a;
}

std::optional<Autoresponse> autoresponse_of(const actions::Action& action) {
  const std::string* raw = actions::find_field(action.fields, kAutoresponseField);
  if (!raw) return std::nullopt;
  auto a = parse_autoresponse(*raw);
  if (!a) return std::nullopt;
  return std::move(a).value();
}

}  // namespace tocsin::messaging
