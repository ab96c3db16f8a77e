// Stored JSON documents (actions, records, messaging settings, messages, ...): parse_doc checks the document
// is an object, DocFields reads its top-level fields with defaults. A missing or mistyped field reads as its
// default: documents written by an older version simply lack newer fields.
#pragma once

#include <simdjson.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace tocsin {

// The root of a stored document; 500 when it is not a JSON object (`what` names it in the message). The
// element lives as long as `parser`'s next parse.
inline Result<simdjson::dom::element> parse_doc(std::string_view doc, simdjson::dom::parser& parser,
                                                const char* what) {
  simdjson::dom::element root;
  if (parser.parse(doc.data(), doc.size()).get(root) || !root.is_object())
    return internal_error(std::string("stored ") + what + " document is not a JSON object");
  return root;
}

class DocFields {
 public:
  explicit DocFields(simdjson::dom::element e) : e_(e) {}

  std::string str(const char* key, std::string fallback = {}) const {
    std::string_view v;
    return e_[key].get_string().get(v) ? fallback : std::string(v);
  }
  int64_t integer(const char* key, int64_t fallback = 0) const {
    int64_t v;
    return e_[key].get_int64().get(v) ? fallback : v;
  }
  double number(const char* key, double fallback = 0) const {
    double v;
    return e_[key].get_double().get(v) ? fallback : v;
  }
  bool boolean(const char* key, bool fallback = false) const {
    return optional_boolean(key).value_or(fallback);
  }
  std::optional<bool> optional_boolean(const char* key) const {
    bool v;
    if (e_[key].get_bool().get(v)) return std::nullopt;
    return v;
  }
  std::vector<std::string> strings(const char* key) const {
    std::vector<std::string> out;
    simdjson::dom::array a;
    if (e_[key].get_array().get(a)) return out;
    for (auto item : a) {
      std::string_view s;
      if (!item.get_string().get(s)) out.emplace_back(s);
    }
    return out;
  }

 private:
  simdjson::dom::element e_;
};

}  // namespace tocsin
