#include "web/fundraising_page.h"

#include "actions/donation_amounts.h"
#include "actions/tally.h"

namespace tocsin::web {

const std::string kDonationBlock = R"({{#donation}}
<fieldset class="amounts">
<legend>{{s.amount_legend}} ({{currency}})</legend>
{{#amounts}}<label class="amount"><input type="radio" name="amount" value="{{value}}"{{#checked}} checked{{/checked}}> {{label}}</label>
{{/amounts}}
<label class="amount"><input type="radio" name="amount" value="other"{{#other_checked}} checked{{/other_checked}}> {{s.other_amount}}</label>
<p class="field">
<label for="f-other_amount">{{s.other_amount}} ({{currency}})</label>
<input id="f-other_amount" name="other_amount" type="text" inputmode="decimal" value="{{other_value}}" autocomplete="off"{{#error}} aria-invalid="true" aria-describedby="e-amount"{{/error}}>
{{#error}}<span class="error" id="e-amount">{{error}}</span>{{/error}}
</p>
</fieldset>
<fieldset class="frequency">
<legend>{{s.frequency_legend}}</legend>
<label class="amount"><input type="radio" name="frequency" value="once"{{^monthly}} checked{{/monthly}}> {{s.once}}</label>
<label class="amount"><input type="radio" name="frequency" value="monthly"{{#monthly}} checked{{/monthly}}> {{s.monthly}}</label>
<p class="pay-note">{{s.monthly_note}}</p>
</fieldset>
<p class="pay-note">{{s.pay_note}}</p>
{{/donation}}
)";

namespace {

std::string with_thousands(int64_t whole) {
  std::string digits = std::to_string(whole), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

// "25", "25.5", "$25.50", " 1,000 " -> cents; nullopt when it is not an amount.
std::optional<int64_t> parse_typed(std::string t) {
  std::string clean;
  for (char c : t)
    if (c != ' ' && c != ',' && c != '$') clean += c;
  if (clean.empty()) return std::nullopt;
  return actions::parse_amount_cents(clean);
}

}  // namespace

std::string amount_text(int64_t cents, const std::string& currency) {
  std::string s = currency + " " + with_thousands(cents / 100);
  if (cents % 100) s += (cents % 100 < 10 ? ".0" : ".") + std::to_string(cents % 100);
  return s;
}

mstch::map donation_context(const actions::Action& a, const Form& typed, const FieldErrors& errors) {
  const std::string currency = actions::page_currency(a);
  const std::string chosen = first(typed, "amount");
  mstch::array amounts;
  for (int64_t c : actions::offered_amounts(a)) {
    std::string value = actions::format_cents(c);
    amounts.push_back(
        mstch::map{{"value", value}, {"label", amount_text(c, currency)}, {"checked", chosen == value}});
  }
  auto err = errors.find("amount");
  return mstch::map{{"currency", currency},
                    {"amounts", amounts},
                    {"other_checked", chosen == "other"},
                    {"monthly", wants_monthly(typed)},
                    {"other_value", first(typed, "other_amount")},
                    {"error", err == errors.end() ? std::string() : err->second}};
}

bool wants_monthly(const Form& form) {
  return first(form, "frequency") == "monthly";
}

std::optional<int64_t> chosen_amount(const actions::Action& a, const Form& form, const Strings& s,
                                     FieldErrors& errors) {
  std::string chosen = first(form, "amount"), other = first(form, "other_amount");
  // Typing an amount is choosing it, even without ticking "other".
  if (chosen == "other" || (chosen.empty() && !other.empty())) {
    auto c = parse_typed(other);
    if (!c || !actions::minor_units(*c, actions::page_currency(a))) {
      errors["amount"] = s.at("invalid_amount");
      return std::nullopt;
    }
    if (*c < actions::kMinDonationCents || *c > actions::kMaxDonationCents) {
      std::string msg = s.at("amount_range");
      msg.replace(msg.find("{min}"), 5, actions::format_cents(actions::kMinDonationCents));
      msg.replace(msg.find("{max}"), 5, amount_text(actions::kMaxDonationCents, "").substr(1));
      errors["amount"] = msg;
      return std::nullopt;
    }
    return c;
  }
  for (int64_t c : actions::offered_amounts(a))
    if (chosen == actions::format_cents(c)) return c;
  errors["amount"] = s.at("choose_amount");  // nothing chosen, or an amount this page does not offer
  return std::nullopt;
}

}  // namespace tocsin::web
