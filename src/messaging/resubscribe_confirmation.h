// Re-subscription by confirmation: a keyless request (signup or record helper without an API key) that
// would subscribe an email address whose latest status is unsubscribed, bouncing, previous bounce, spam
// complaint or previous spam complaint changes nothing (people/subscribe_rule.h). Instead the address gets
// one email with a signed link, and only its owner's confirmation on that link writes the subscription to
// the ledger, with the link, the IP, the user agent and the time as evidence (docs/POLICY.md "Who can
// subscribe whom").
//
// Against mail-bombing: at most one pending confirmation per address and organization, kept as an
// organization document (kind `resubscribe_confirmation`, id = the address's keyed hash): a request while
// one younger than 24 h is pending sends nothing; a later one replaces it (its link stops working). The
// email passes the gate as policy::MessageKind::kResubscribeConfirmation, which sends only to an address
// whose status is an opt-out (never a first mail to a stranger), from a verified domain of the
// organization, with the postal-address footer. Its delivery row is (confirmation id, 0). A hand-over that
// fails is not retried: the person can ask again after a day.
//
// Thread-safe: request() queues for the worker thread; check() and confirm() may run on any thread.
#pragma once

#include <string>

#include "consent/ledger_entry.h"
#include "core/serial_worker.h"
#include "email/unsubscribe_token.h"
#include "messaging/compose.h"
#include "messaging/dispatcher.h"

namespace tocsin::messaging {

inline constexpr std::string_view kResubscribeKind = "resubscribe_confirmation";
inline constexpr Micros kResubscribeResendAfter = int64_t{24} * 3600 * 1'000'000;
inline constexpr Micros kResubscribeLinkLifetime = int64_t{7} * 24 * 3600 * 1'000'000;

// A pending confirmation that a link names, found and still valid.
struct PendingResubscribe {
  std::string org_id, person_id, address, confirmation_id;
  Micros requested = 0;
};

class ResubscribeConfirmations {
 public:
  // `tokens` must sign with LinkPurpose::kResubscribeConfirmation. A null email transport in `deps` leaves
  // confirmations unsent (their rows say so).
  ResubscribeConfirmations(Dispatcher::Deps deps, MailLinks links, const email::UnsubscribeTokens& tokens);
  ~ResubscribeConfirmations();
  ResubscribeConfirmations(const ResubscribeConfirmations&) = delete;
  ResubscribeConfirmations& operator=(const ResubscribeConfirmations&) = delete;

  void start();
  void stop();

  // After a durable write whose keyless re-subscription of `address` (person `person_id`) was held back.
  void request(const std::string& org_id, const std::string& person_id, const std::string& address);

  // The pending confirmation a link's token names; 404 when the token is not valid, the confirmation was
  // replaced, used or is older than kResubscribeLinkLifetime, or the address is no longer the person's.
  Result<PendingResubscribe> check(std::string_view token) const;

  // Confirms: the address becomes subscribed with `ev` (the caller's: IP, user agent; actor, source and
  // method are set here), durably, and the confirmation is spent. A 404 as check() gives.
  Result<PendingResubscribe> confirm(std::string_view token, consent::Evidence ev);

 private:
  struct Job {
    std::string org_id, person_id, address;
  };
  void work(const Job& job);

  Dispatcher::Deps deps_;
  MailLinks links_;
  const email::UnsubscribeTokens& tokens_;
  // One at a time: the pending check and its write never race for the same address. Last: stopped first.
  SerialWorker<Job> worker_{[this](const Job& job) { work(job); }};
};

}  // namespace tocsin::messaging
