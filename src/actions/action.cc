#include "actions/action.h"

#include <simdjson.h>

namespace tocsin::actions {

const std::string* find_field(const RawFields& fields, std::string_view name) {
  for (const auto& [k, v] : fields)
    if (k == name) return &v;
  return nullptr;
}

std::optional<std::string> string_field(const RawFields& fields, std::string_view name) {
  const std::string* raw = find_field(fields, name);
  if (!raw || raw->empty() || (*raw)[0] != '"') return std::nullopt;
  thread_local simdjson::dom::parser parser;
  std::string_view s;
  if (parser.parse(*raw).get_string().get(s)) return std::nullopt;
  return std::string(s);
}

void set_field(RawFields& fields, std::string name, std::string raw_json) {
  for (auto& [k, v] : fields)
    if (k == name) {
      v = std::move(raw_json);
      return;
    }
  fields.emplace_back(std::move(name), std::move(raw_json));
}

}  // namespace tocsin::actions
