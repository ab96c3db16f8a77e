// What one record adds to its action's counters, so counters can be kept incrementally (a repeat signer
// replaces their record's contribution instead of adding one) and served from memory.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "actions/action.h"

namespace tocsin::actions {

struct Tally {
  int64_t records = 0;
  int64_t accepted = 0;      // attendances whose status is "accepted" (or not given: AN's default)
  int64_t amount_cents = 0;  // donations

  Tally& operator+=(const Tally& o) {
    records += o.records;
    accepted += o.accepted;
    amount_cents += o.amount_cents;
    return *this;
  }
  Tally& operator-=(const Tally& o) {
    records -= o.records;
    accepted -= o.accepted;
    amount_cents -= o.amount_cents;
    return *this;
  }
};

Tally tally_of(const ActionRecord& r);

// "3.00", "3", "3.5", 3.5 (as JSON text) -> cents; nullopt when not a non-negative amount with at most two
// decimals. Integer cents avoid float drift in total_amount.
std::optional<int64_t> parse_amount_cents(std::string_view raw_json_or_text);
// 30214 -> "302.14"
std::string format_cents(int64_t cents);

// A donation's amount: its "amount", else the sum of its recipients' amounts.
int64_t donation_cents(const ActionRecord& r);
// How much of a donation was refunded (its tocsin:refund's amount; web/donation_events.h), 0 when none.
// A page's total_amount counts what was kept: donation_cents - refunded_cents.
int64_t refunded_cents(const ActionRecord& r);

}  // namespace tocsin::actions
