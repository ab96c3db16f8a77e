// MessagingBook: one organization's messaging records in memory — settings, sending domains, SMS senders
// and messages — kept in people::OrgState beside its people and actions.
//
// Like the rest of OrgState it is changed only on the committer thread under the organization's lock held
// exclusively (in the same step that queues the store writes), and read under it shared. The gate's view
// (`gate_view`) is published separately, behind its own small lock, so dispatcher threads read an
// organization's settings without touching the organization's lock.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/org.h"
#include "messaging/message.h"
#include "messaging/settings.h"
#include "policy/suppression_list.h"
#include "store/store.h"

namespace tocsin::messaging {

class MessagingBook {
 public:
  // Rebuilds from stored documents and suppressions (store::OrgSnapshot). Unknown kinds are ignored.
  Status load(const Org& org, const std::vector<store::OrgDoc>& docs,
              const std::vector<store::SuppressionRow>& suppressions);

  // The organization's opt-outs (thread-safe on its own; entries are keyed by this organization's id).
  // Changed after the suppression's store write is queued, like the rest of the book.
  policy::SuppressionList& suppressions() { return suppressions_; }
  const policy::SuppressionList& suppressions() const { return suppressions_; }

  const Settings& settings() const { return settings_; }
  const std::map<std::string, SendingDomain>& domains() const { return domains_; }
  const std::map<std::string, SmsSender>& senders() const { return senders_; }
  const Message* message(const std::string& id) const;
  // Messages in creation order.
  std::vector<const Message*> messages() const;

  // Changes: each queues its store write and republishes the gate's view.
  void put_settings(store::WriteBatch::OrgWrites& w, Settings s);
  void put_domain(store::WriteBatch::OrgWrites& w, SendingDomain d);
  void put_sender(store::WriteBatch::OrgWrites& w, SmsSender s);
  void put_message(store::WriteBatch::OrgWrites& w, Message m);

  // Applies a document another process wrote (store::Store::doc_changes_since); nothing is queued. A
  // sender's restarted opt-out count starts at this process's clock.
  Status apply_outside_change(const store::OrgDoc& doc);

  // The organization's settings as the gate reads them; never null after load.
  std::shared_ptr<const policy::OrgMessaging> gate_view() const;

 private:
  void publish();
  // A blast that started sending (whatever became of it since): what the new-organization review counts.
  static bool started(const Message& m);
  Status take(const store::OrgDoc& d);  // decodes one document into the book

  std::string org_name_;
  Settings settings_;
  std::map<std::string, SendingDomain> domains_;
  std::map<std::string, SmsSender> senders_;
  std::map<std::string, Message> messages_;
  std::vector<std::string> message_order_;
  policy::SuppressionList suppressions_;
  mutable std::mutex view_mu_;
  std::shared_ptr<const policy::OrgMessaging> view_;
};

}  // namespace tocsin::messaging
