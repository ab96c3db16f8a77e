#include "actions/donation_amounts.h"

#include <simdjson.h>

#include <algorithm>

#include "actions/tally.h"

namespace tocsin::actions {
namespace {

// The amounts of a raw tocsin:amounts value; nullopt when one is not an amount.
std::optional<std::vector<int64_t>> parse_amounts(const std::string& raw) {
  thread_local simdjson::dom::parser parser;
  simdjson::dom::array arr;
  if (parser.parse(raw).get_array().get(arr)) return std::nullopt;
  std::vector<int64_t> out;
  for (auto e : arr) {
    auto c = parse_amount_cents(simdjson::minify(e));
    if (!c) return std::nullopt;
    out.push_back(*c);
  }
  return out;
}

// ISO 4217 currencies without a minor unit, as Stripe lists them.
bool zero_decimal(const std::string& upper) {
  static const char* kZero[] = {"BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA",
                                "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF"};
  return std::any_of(std::begin(kZero), std::end(kZero), [&](const char* c) { return upper == c; });
}

std::string upper_ascii(std::string s) {
  for (char& c : s)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return s;
}

}  // namespace

std::vector<int64_t> offered_amounts(const Action& a) {
  if (const std::string* raw = find_field(a.fields, "tocsin:amounts"); raw && *raw != "null")
    if (auto v = parse_amounts(*raw); v && !v->empty()) return *v;
  return {1000, 2500, 5000, 10000};
}

std::string page_currency(const Action& a) {
  std::string c = upper_ascii(string_field(a.fields, "currency").value_or("USD"));
  return c.size() == 3 ? c : "USD";
}

std::optional<int64_t> minor_units(int64_t cents, const std::string& currency) {
  if (!zero_decimal(upper_ascii(currency))) return cents;
  if (cents % 100 != 0) return std::nullopt;
  return cents / 100;
}

Status check_donation_settings(const RawFields& fields) {
  if (const std::string* raw = find_field(fields, "tocsin:amounts"); raw && *raw != "null") {
    auto v = parse_amounts(*raw);
    if (!v || v->empty() || v->size() > 12)
      return bad_request("tocsin:amounts must be a list of 1 to 12 amounts like \"25.00\"");
    for (int64_t c : *v)
      if (c < kMinDonationCents || c > kMaxDonationCents)
        return bad_request("tocsin:amounts: each amount must be between " + format_cents(kMinDonationCents) +
                           " and " + format_cents(kMaxDonationCents));
  }
  if (auto c = string_field(fields, "currency"); c && !c->empty()) {  // empty: the default
    bool letters = c->size() == 3 && std::all_of(c->begin(), c->end(), [](char ch) {
                     return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z');
                   });
    if (!letters) return bad_request("currency must be a three-letter ISO 4217 code like \"USD\"");
  }
  return Ok{};
}

}  // namespace tocsin::actions
