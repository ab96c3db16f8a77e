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

struct InboxView {
  struct Row {
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
std::string inbox_page(const Frame& f, const InboxView& v);

}  // namespace tocsin::web::admin
