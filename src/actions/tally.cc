#include "actions/tally.h"

#include <simdjson.h>

namespace tocsin::actions {

std::optional<int64_t> parse_amount_cents(std::string_view s) {
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
  if (s.empty() || s.size() > 15) return std::nullopt;
  int64_t whole = 0, frac = 0;
  size_t i = 0, frac_digits = 0;
  bool digits = false;
  for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i, digits = true) whole = whole * 10 + (s[i] - '0');
  if (i < s.size() && s[i] == '.') {
    for (++i; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i, ++frac_digits, digits = true) {
      if (frac_digits >= 2) return std::nullopt;
      frac = frac * 10 + (s[i] - '0');
    }
  }
  if (!digits || i != s.size()) return std::nullopt;
  if (frac_digits == 1) frac *= 10;
  return whole * 100 + frac;
}

std::string format_cents(int64_t cents) {
  const int64_t frac = cents % 100;
  return std::to_string(cents / 100) + (frac < 10 ? ".0" : ".") + std::to_string(frac);
}

int64_t donation_cents(const ActionRecord& r) {
  if (const std::string* amount = find_field(r.fields, "amount"))
    if (auto c = parse_amount_cents(*amount)) return *c;
  const std::string* recipients = find_field(r.fields, "recipients");
  if (!recipients) return 0;
  thread_local simdjson::dom::parser parser;
  simdjson::dom::array arr;
  if (parser.parse(*recipients).get_array().get(arr)) return 0;
  int64_t sum = 0;
  for (auto rec : arr) {
    simdjson::dom::element amount;
    if (rec["amount"].get(amount)) continue;
    if (auto c = parse_amount_cents(simdjson::minify(amount))) sum += *c;
  }
  return sum;
}

int64_t refunded_cents(const ActionRecord& r) {
  const std::string* refund = find_field(r.fields, "tocsin:refund");
  if (!refund) return 0;
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element amount;
  if (parser.parse(*refund)["amount"].get(amount)) return 0;
  return parse_amount_cents(simdjson::minify(amount)).value_or(0);
}

Tally tally_of(const ActionRecord& r) {
  Tally t;
  t.records = 1;
  auto status = string_field(r.fields, "status");
  t.accepted = !status || *status == "accepted" ? 1 : 0;
  t.amount_cents = donation_cents(r) - refunded_cents(r);
  return t;
}

}  // namespace tocsin::actions
