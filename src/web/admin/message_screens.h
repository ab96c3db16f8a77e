// The console's messages: the list of blasts; the compose form (email or text, targets chosen among the
// organization's tags, lists, queries and actions); and one message's page — while a draft, its live
// preflight (who it would reach now, and for every gate rule how many it leaves out and why, down to the
// names), then its progress and statistics by delivery state and reason.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "messaging/blast_control.h"
#include "messaging/dispatcher.h"
#include "people/directory.h"
#include "web/admin/layout.h"

namespace tocsin::web::admin {

struct MessageRow {
  std::string id, name, channel, status, date;
  int64_t targeted = 0;
};
// Newest first. Call with the organization's lock held (shared).
std::vector<MessageRow> list_messages(const people::OrgState& org);
std::string messages_page(const Frame& f, const std::vector<MessageRow>& rows);

// What the compose form holds: a new message's or a draft's fields, or what was typed when it came back with
// an error. Targets are written as the API's href tails ("tags/<id>", "petitions/<id>").
struct ComposeForm {
  std::string id;  // empty for a new message
  std::string channel = "email", name, subject, from, from_address, reply_to, body, sms_sender, purpose;
  std::string format = "html";  // an email's body: "html" or "markdown" (messaging/markdown_body.h)
  bool marketing = false;
  std::vector<std::string> targets;
  std::string error;
};
ComposeForm compose_form_of(const messaging::Message& m);
// Applies the form to `m` (fields and targets; the caller then runs messaging::check_draft). 400 when a
// target is not one of the forms the compose screen offers.
Status apply_compose_form(const ComposeForm& f, messaging::Message& m);

// The choices the form offers, read under the organization's lock (shared).
struct ComposeChoices {
  struct Choice {
    std::string value, label;
  };
  std::vector<Choice> targets;
  std::vector<std::string> sms_senders;       // numbers the organization may text from
  std::vector<std::string> verified_domains;  // email: a from address must be at one of these
  std::string brand;                          // texts begin with it (the live segment counter adds it)
};
ComposeChoices compose_choices(const people::OrgState& org);
std::string compose_page(const Frame& f, const ComposeForm& form, const ComposeChoices& choices);

// One message's page.
struct MessageScreen {
  messaging::Message message;
  std::string targets_label;                      // the targets by name
  std::optional<messaging::Preflight> preflight;  // drafts (and held messages): who it would reach now
  std::string preflight_error;                    // why no preflight could be made
  // A large organization's preflight comes from the background (web/admin/counted_later.h): when it was
  // counted, whether a newer count is under way, and whether the first count is still running (no preflight).
  Micros preflight_counted_at = 0;
  bool preflight_recounting = false;
  bool preflight_counting = false;
  std::optional<messaging::DeliveryCounts> counts;  // once sending: the statistics
  std::vector<store::DeliveryHour> hours;           // and over time (store::Store::delivery_hours)
  // The drill-down: the people a reason leaves out (at most kDrillDownPeople), with their ids.
  std::string drill_reason;
  struct Named {
    std::string id, name;
  };
  std::vector<Named> drilled;
  int64_t drilled_total = 0;
  bool can_send = false;
  // The organization's approval rule (messaging::Settings::send_approval) and whether this staff member may
  // approve (staff::Permission::kApprove): without it, Send asks for approval instead.
  bool needs_approval = false;
  bool can_approve = false;
  bool live = false;  // ?live=1: the answer carries `Refresh: 5` (the person asked for it)
  // A text blast's estimate: texts that would leave (now or after quiet hours) × segments × this price.
  double price_per_segment = 0;  // 0: no estimate (config sms.price_per_segment)
  std::string price_currency;
  // A text as the sample supporter (email_preview.h preview_sample) gets it as a first text: brand in front,
  // the opt-out line added. An email's preview is its own document (GET /admin/messages/{id}/preview).
  std::string text_preview;
};
inline constexpr size_t kDrillDownPeople = 100;
// What an approver saw: the Send form carries it, and the send is refused when the draft changed since
// (any edit changes `modified`), so an approval never covers content or targets the approver did not see.
std::string approval_seen(const messaging::Message& m);
std::string message_page(const Frame& f, const MessageScreen& s);

}  // namespace tocsin::web::admin
