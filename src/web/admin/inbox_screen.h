// The console's inbox: the texts people sent to the organization's numbers (messaging/sms_inbound.h keeps
// each as a document), newest first per number — who (linked to their person page when a person holds the
// number), what they wrote, and what it did (opted out, HELP answered, re-subscribed, stored) — so STOP and
// HELP history is visible beside the replies.
#pragma once

#include <string>
#include <vector>

#include "messaging/sms_inbound.h"
#include "people/directory.h"
#include "store/store.h"
#include "web/admin/layout.h"

namespace tocsin::web::admin {

inline constexpr size_t kInboxShown = 200;
// Staff may answer a text (a conversation the person started: the gate's kReply, exempt from quiet hours and
// caps, never past an opt-out) for this long after it arrived; later, a message is a new conversation.
inline constexpr Micros kReplyWindow = int64_t{24} * 3600 * 1'000'000;

struct InboxView {
  struct Row {
    std::string id;  // the stored document's (gateway:message id)
    messaging::StoredInbound text;
    std::string person_label;  // empty when no person holds the number
  };
  struct Number {
    std::string number;
    std::vector<Row> rows;  // newest first
  };
  std::vector<Number> numbers;
  size_t total = 0;                     // texts kept (the newest kInboxShown are shown)
  std::vector<std::string> person_ids;  // everyone shown, for the access log
};

// The texts from the store (org scope), names from `org` under its shared lock.
Result<InboxView> read_inbox(const people::OrgState& org, store::OrgScope scope);
// Whether staff may reply to `t` at `now`: a text without a keyword (a question, a conversation), received
// within kReplyWindow.
bool repliable(const messaging::StoredInbound& t, Micros now);
// `notice`: the answer to a reply just posted (sent to the gateway's queue, or why not).
std::string inbox_page(const Frame& f, const InboxView& v, Micros now, const std::string& notice = "",
                       bool refused = false);

}  // namespace tocsin::web::admin
