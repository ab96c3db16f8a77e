#include "messaging/header_values.h"

#include <string>
#include <utility>

#include "core/control_chars.h"

namespace tocsin::messaging {

Status check_header_value(std::string_view field, std::string_view value) {
  if (!has_ascii_control(value)) return Ok{};
  return bad_request(
      std::string(field) +
      " must not contain control characters (line breaks, tabs, NUL): it becomes a mail header");
}

Status check_header_fields(const Message& m) {
  for (auto [field, value] : {std::pair{"subject", &m.subject},
                              {"from", &m.from},
                              {"reply_to", &m.reply_to},
                              {"tocsin:from_address", &m.from_address}})
    if (auto s = check_header_value(field, *value); !s) return s;
  return Ok{};
}

}  // namespace tocsin::messaging
