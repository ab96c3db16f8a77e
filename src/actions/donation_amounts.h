// A fundraising page's money settings and the rules of an amount: the amounts it offers (tocsin:amounts,
// a list of decimal strings or numbers in the page's currency), the currency (Action Network's `currency`,
// ISO 4217, default USD) and what a supporter may type as "other amount". Amounts travel as integer cents
// (actions/tally.h) and reach a payment provider in the currency's minor unit.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "actions/action.h"
#include "core/result.h"

namespace tocsin::actions {

// The most one donation may be (999,999.99, Stripe's own ceiling for most currencies) and the least (1.00:
// providers refuse less than about 0.50, and a card-testing bot prefers tiny amounts).
inline constexpr int64_t kMaxDonationCents = 99'999'999;
inline constexpr int64_t kMinDonationCents = 100;

// The amounts the page offers, in cents, in the order given; default 10, 25, 50, 100.
std::vector<int64_t> offered_amounts(const Action& a);
// The page's currency, upper case ("USD").
std::string page_currency(const Action& a);
// `cents` in the currency's minor unit (JPY has none: 500.00 -> 500); nullopt when the currency cannot
// express it (a fraction of a zero-decimal currency).
std::optional<int64_t> minor_units(int64_t cents, const std::string& currency);

// Checks a create/update's tocsin:amounts and currency (their JSON types are checked before): 1 to 12
// amounts, each between the minimum and the maximum; a three-letter currency. 400 naming the field.
Status check_donation_settings(const RawFields& fields);

}  // namespace tocsin::actions
