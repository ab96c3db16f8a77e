// A fundraising page's own part of the form: the amounts it offers (radio buttons), "other amount" (a text
// field validated here, its error next to it and what was typed kept) and the note that payment happens on
// the provider's page. The checkout itself is web/donation_checkout.h. Without [payments] the page shows
// no form at all: it says donations are not available yet, and a post is refused (nothing recorded).
#pragma once

#include <mstch/mstch.hpp>

#include <map>
#include <optional>
#include <string>

#include "actions/action.h"
#include "web/catalog.h"
#include "web/exchange.h"

namespace tocsin::web {

using FieldErrors = std::map<std::string, std::string>;

// The partial {{> kind_block}} of a fundraising page and its context ({{#donation}}).
extern const std::string kDonationBlock;
// (Strings come from the page's {{s.*}}.)
mstch::map donation_context(const actions::Action& a, const Form& typed, const FieldErrors& errors);

// The amount chosen in a posted form, in cents; nullopt with errors["amount"] set when none is valid
// (nothing chosen, not a number, outside the limits, an amount the page does not offer).
std::optional<int64_t> chosen_amount(const actions::Action& a, const Form& form, const Strings& s,
                                     FieldErrors& errors);

// Whether the supporter chose a monthly recurring donation (the "frequency" radio buttons; anything but
// "monthly", or nothing, is a one-time donation).
bool wants_monthly(const Form& form);

// "USD 1,234.50"-style text of an amount for the page.
std::string amount_text(int64_t cents, const std::string& currency);

}  // namespace tocsin::web
