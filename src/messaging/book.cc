#include "messaging/book.h"

#include <spdlog/spdlog.h>

namespace tocsin::messaging {

Status MessagingBook::load(const Org& org, const std::vector<store::OrgDoc>& docs,
                           const std::vector<store::SuppressionRow>& suppressions) {
  org_name_ = org.name;
  for (const auto& row : suppressions) {
    if (store::is_erasure_stub(row)) {
      suppressions_.add_erased(row.contact, row.since);
      continue;
    }
    suppressions_.add_org(org.id, row.contact, row.since);
    if (row.confirmed) (void)suppressions_.claim_confirmation(org.id, row.contact);
  }
  // A document that does not decode is skipped, not fatal, so one bad row cannot keep this organization
  // (and with it every other) from starting; it stays in the database (docs/ARCHITECTURE.md "One bad row").
  for (const auto& d : docs)
    if (auto st = take(d); !st)
      spdlog::error("org {}: quarantined org_docs {} {} ({}); it stays in the database", org.id, d.kind, d.id,
                    st.error().message);
  publish();
  return Ok{};
}

Status MessagingBook::apply_outside_change(const store::OrgDoc& doc) {
  std::optional<Micros> counted_from;
  if (auto it = senders_.find(doc.id); doc.kind == kSenderKind && it != senders_.end())
    counted_from = it->second.opt_outs_counted_from;
  if (auto st = take(doc); !st) return st;
  // `sender enable` restarts the opt-out count (messaging/opt_out_breaker.h) at the CLI's clock, which need
  // not be this process's: the count starts when this process applies it, by its own clock.
  if (auto it = senders_.find(doc.id);
      counted_from && it != senders_.end() && it->second.opt_outs_counted_from != *counted_from)
    it->second.opt_outs_counted_from = now_micros();
  publish();
  return Ok{};
}

Status MessagingBook::take(const store::OrgDoc& d) {
  if (d.kind == kSettingsKind) {
    auto s = decode_settings(d.doc);
    if (!s) return s.error();
    settings_ = std::move(s).value();
  } else if (d.kind == kDomainKind) {
    auto s = decode_domain(d.doc);
    if (!s) return s.error();
    domains_[d.id] = std::move(s).value();
  } else if (d.kind == kSenderKind) {
    auto s = decode_sender(d.doc);
    if (!s) return s.error();
    senders_[d.id] = std::move(s).value();
  } else if (d.kind == kMessageKind) {
    auto m = decode_message(d.doc);
    if (!m) return m.error();
    if (!messages_.count(d.id)) message_order_.push_back(d.id);
    messages_[d.id] = std::move(m).value();
  }
  return Ok{};
}

const Message* MessagingBook::message(const std::string& id) const {
  auto it = messages_.find(id);
  return it == messages_.end() ? nullptr : &it->second;
}

std::vector<const Message*> MessagingBook::messages() const {
  std::vector<const Message*> out;
  out.reserve(message_order_.size());
  for (const auto& id : message_order_) out.push_back(&messages_.at(id));
  return out;
}

void MessagingBook::put_settings(store::WriteBatch::OrgWrites& w, Settings s) {
  w.add(store::op::PutDoc{{std::string(kSettingsKind), "settings", encode_settings(s)}});
  settings_ = std::move(s);
  publish();
}

void MessagingBook::put_domain(store::WriteBatch::OrgWrites& w, SendingDomain d) {
  w.add(store::op::PutDoc{{std::string(kDomainKind), d.domain, encode_domain(d)}});
  domains_[d.domain] = std::move(d);
  publish();
}

void MessagingBook::put_sender(store::WriteBatch::OrgWrites& w, SmsSender s) {
  w.add(store::op::PutDoc{{std::string(kSenderKind), s.number, encode_sender(s)}});
  senders_[s.number] = std::move(s);
  publish();
}

void MessagingBook::put_message(store::WriteBatch::OrgWrites& w, Message m) {
  w.add(store::op::PutDoc{{std::string(kMessageKind), m.id, encode_message(m)}});
  auto old = messages_.find(m.id);
  bool was_started = old != messages_.end() && started(old->second);
  bool now_started = started(m);
  if (old == messages_.end()) message_order_.push_back(m.id);
  std::string id = m.id;
  messages_[id] = std::move(m);
  // The gate counts the blasts an organization started (policy/org_trust.h): republish when that changes.
  if (was_started || now_started) publish();
}

bool MessagingBook::started(const Message& m) {
  using S = MessageStatus;
  return m.status == S::kSending || m.status == S::kSent || m.status == S::kPaused ||
         (m.status == S::kStopped && m.sent_start > 0);
}

std::shared_ptr<const policy::OrgMessaging> MessagingBook::gate_view() const {
  std::lock_guard lock(view_mu_);
  return view_;
}

void MessagingBook::publish() {
  auto view = std::make_shared<policy::OrgMessaging>(to_policy(settings_, domains_, senders_));
  if (view->brand_name.empty()) view->brand_name = org_name_;
  for (const auto& [id, m] : messages_)
    if (started(m)) view->started_blasts.push_back(m.total_targeted);
  std::lock_guard lock(view_mu_);
  view_ = std::move(view);
}

}  // namespace tocsin::messaging
