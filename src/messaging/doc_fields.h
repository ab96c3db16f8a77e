// DocFields: typed reads of a stored JSON document's top-level fields with defaults, for the messaging
// documents (settings, domains, senders, messages). A missing or mistyped field reads as its default:
// documents written by an older version simply lack newer fields.
#pragma once

#include <simdjson.h>

#include <optional>
#include <string>
#include <vector>

namespace tocsin::messaging {

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

}  // namespace tocsin::messaging
