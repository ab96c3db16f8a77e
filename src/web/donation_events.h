// What a payment provider says later about a donation it took through a fundraising page's hosted checkout
// (web/donation_checkout.h records the first payment): the installments of a monthly recurring donation,
// and refunds. Both arrive as signed callbacks on POST /payments/webhook, already verified by the driver.
//
//  installment (payments::PaymentState::kInstallment): the subscription's metadata names the organization
//  and the recurring donation's first record; a new donation record is made for the same person and page
//  (no consent entry: the person gave nothing new), amount and currency from the provider, `payment`
//  {reference_number = the installment's payment}, `action_network:recurrence` {recurring, "Monthly"},
//  `tocsin:recurring_donation` = the first record's id. Its id is derived from the provider's invoice id,
//  so a repeated callback (providers retry) finds it and adds nothing, even across nodes and restarts.
//  The first record not there yet (events can arrive out of order): 404, and the provider retries; recorded
//  once (its subscription is in the index below) and erased since: 200, "recorded": false.
//
//  refund (kRefunded): the donation is found by the payment it recorded — every donation recorded from a
//  callback leaves an organization document `payment_ref` (id = the provider's payment, invoice or, for a
//  recurring donation, subscription id) —
//  and gets `tocsin:refund` {amount (refunded so far), refunded (all of it), refunded_date}; the page's
//  total_amount drops by the refunded amount (actions/tally.h). The provider's amount is cumulative, so a
//  repeated or older event changes nothing. A refund of a payment tocsin never recorded: ignored (200),
//  unless its metadata names a tocsin donation (then 404, and the provider retries).
// Thread-safe; answers JSON ({"error": ...} with the status when refused).
#pragma once

#include <string>

#include "payments/checkout.h"
#include "store/store.h"
#include "web/donation_checkout.h"

namespace tocsin::web {

inline constexpr const char* kPaymentRefKind = "payment_ref";

// Notes, in the donation's commit, that `reference` (a provider's payment or invoice id) paid `donation_id`.
void index_payment(store::WriteBatch::OrgWrites& w, const std::string& reference,
                   const std::string& donation_id);

// The record id of a recurring donation's installment: a UUID derived from the provider and its invoice id.
std::string installment_id(const std::string& provider, const std::string& invoice_id);

void record_installment(const DonationServices& s, const payments::PaymentEvent& ev, http::Respond respond);
void record_refund(const DonationServices& s, const payments::PaymentEvent& ev, http::Respond respond);

}  // namespace tocsin::web
