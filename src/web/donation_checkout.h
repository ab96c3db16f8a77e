// Donations through a fundraising page's hosted checkout (payments/checkout.h): no card data touches
// tocsin, and no donation is recorded until the provider's signed callback says it is paid.
//
//  begin (a page submission that passed every check of web_service.cc): the provider's session is created
//  (blocking, on the I/O thread) for the amount, currency, page title, success and cancel URLs and the
//  metadata {tocsin_donation: <pending id>, tocsin_org: <org id>}; then the pending donation — what the
//  person typed and ticked, the page URL and disclosure version shown, IP, user agent, time — is stored
//  as the organization document `pending_donation` (sealed at rest like every document) and, once
//  durable, the supporter is sent (303) to the provider's page. Nothing else is written.
//
//  callback (POST /payments/webhook): the driver verifies the signature (stale or replayed messages
//  refused with 400 and the reason). A paid session whose metadata names an organization and one of its
//  pending donations, with the same session, amount and currency, is recorded through
//  actions::record_helper with the pending id as the donation's id — matching, consent ledger entries
//  with the page's evidence (consent time = when the person submitted), the SMS rule, the age gate, as on
//  every page — and the pending document is deleted, in one commit, before the 2xx answer. A repeated
//  callback finds the record and adds nothing; a session that expired unpaid deletes the pending donation
//  (a cancelled checkout records nothing). If the page's disclosure changed between the form and the
//  payment, the donation is recorded but no opt-in is taken from text the person did not see.
//
//  A monthly donation asks the provider for a subscription instead; its first payment is recorded as
//  above (action_network:recurrence {recurring: true, period: "Monthly"}); installments and refunds are
//  web/donation_events.h. Every recorded donation leaves a `payment_ref` document so a refund finds it.
// Thread-safe.
#pragma once

#include <functional>
#include <string>

#include "core/http_exchange.h"
#include "payments/checkout.h"
#include "people/directory.h"
#include "people/person_input.h"
#include "store/group_commit.h"

namespace tocsin::messaging {
class ResubscribeConfirmations;
}

namespace tocsin::web {

inline constexpr const char* kPendingDonationKind = "pending_donation";

// A donation the supporter is on the way to pay.
struct PendingDonation {
  std::string id;  // UUID: the donation record's id once paid
  std::string action_id;
  std::string page_url;  // absolute, the evidence's source
  std::string title;     // shown on the provider's page
  int64_t cents = 0;
  std::string currency;  // upper case
  bool monthly = false;  // a monthly recurring donation (web/donation_events.h records its installments)
  int shown_version = 0;
  people::PersonInput person;  // name, email, phone, ZIP as checked by the page (statuses unset)
  bool email_opt_in = false, sms_opt_in = false;
  std::string ip, user_agent;
  Micros created = 0;
  std::string session_id;  // the provider's
};

struct DonationServices {
  store::GroupCommitter& committer;
  people::Directory& directory;
  store::Store& store;
  payments::CheckoutDriver& driver;
  std::string public_url;
  std::string age_field;  // [privacy] age_custom_field
  messaging::ResubscribeConfirmations* confirmations = nullptr;
};

class DonationCheckout {
 public:
  explicit DonationCheckout(DonationServices s) : s_(std::move(s)) {}

  std::string checkout_origin() const { return s_.driver.checkout_origin(); }

  // `done` gets the provider's URL once the pending donation is durable, or the error (nothing stored).
  void begin(people::OrgState& org, PendingDonation p, std::function<void(Result<std::string>)> done);

  // POST /payments/webhook: answers JSON ({"error": ...} with the status when refused).
  void callback(const http::Request& req, http::Respond respond);

 private:
  DonationServices s_;
};

// The pending donation as its document (JSON) and back; exposed for tests.
std::string encode_pending(const PendingDonation& p);
Result<PendingDonation> decode_pending(const std::string& json);

}  // namespace tocsin::web
