#include "web/admin/dashboard_facts.h"

#include <algorithm>
#include <mutex>
#include <shared_mutex>

#include "actions/action_type.h"

namespace tocsin::web::admin {
namespace {

void add_blockers(const people::OrgState& org, DashboardFacts& f) {
  const auto& s = org.messaging.settings();
  if (org.org.suspended || s.suspended)
    f.blockers.push_back(
        {"Sending is suspended by the platform operator" +
             (s.suspended_reason.empty() ? std::string(".") : ": " + s.suspended_reason + "."),
         "Contact the operator; produce the consent evidence they asked for."});
  if (s.bulk_email_paused)
    f.blockers.push_back(
        {"Bulk email is paused" + (s.bulk_email_paused_reason.empty()
                                       ? std::string(".")
                                       : ": " + s.bulk_email_paused_reason + "."),
         "Look at the figures: remove the addresses that bounced or complained (they are "
         "suppressed already) and any list you did not collect yourself, then ask the platform "
         "operator to resume it. One-off mail (thank-you emails, confirmations) still goes."});
  if (s.bulk_texts_paused)
    f.blockers.push_back(
        {"Text blasts are paused" + (s.bulk_texts_paused_reason.empty()
                                         ? std::string(".")
                                         : ": " + s.bulk_texts_paused_reason + "."),
         "Numbers that could not be reached or that carriers refused are the cause: check "
         "where the list came from and that its numbers opted in, then ask the platform "
         "operator to resume texts. Replies, HELP answers and STOP confirmations still go."});
  if (s.postal_address.empty())
    f.blockers.push_back({"No postal address: email cannot leave without one in its footer (CAN-SPAM).",
                          "Set it: tocsin settings --data DIR --org ORG --postal-address \"...\"."});
  bool verified = false;
  for (const auto& [name, d] : org.messaging.domains()) verified |= d.verified_at > 0;
  if (!verified)
    f.blockers.push_back({org.messaging.domains().empty()
                              ? "No sending domain: email has no verified From domain."
                              : "No sending domain is verified yet.",
                          "tocsin domain add, publish the printed DKIM record, then tocsin domain verify."});
}

}  // namespace

PeopleCounts count_people(const people::OrgState& org, Micros now) {
  PeopleCounts c;
  constexpr Micros kDay = int64_t{86400} * 1'000'000;
  c.growth_from = now - now % kDay - static_cast<Micros>(kGrowthDays - 1) * kDay;
  c.new_per_day.assign(kGrowthDays, 0);
  std::shared_lock lock(org.mu);
  c.people = static_cast<int64_t>(org.people_in_order.size());
  for (const Person* p : org.people_in_order) {
    // In the same pass as the counts: growth costs a comparison a person, no second walk.
    if (p->created < c.growth_from)
      ++c.before_growth;
    else if (auto day = static_cast<size_t>((p->created - c.growth_from) / kDay); day < kGrowthDays)
      ++c.new_per_day[day];
    if (p->email) {
      ++c.with_email;
      if (org.status_of(Channel::kEmail, *p->email) == consent::Status::kSubscribed) ++c.email_subscribed;
    }
    if (p->phone) {
      ++c.with_phone;
      if (org.status_of(Channel::kSms, *p->phone) == consent::Status::kSubscribed) ++c.sms_subscribed;
    }
  }
  return c;
}

DashboardFacts dashboard_facts(const people::OrgState& org) {
  DashboardFacts f;
  std::shared_lock lock(org.mu);
  add_blockers(org, f);
  for (const auto& type : actions::action_types()) {
    const std::string kind(type.collection);
    for (const auto& id : org.actions.actions_of_kind(kind)) {
      const actions::Action* a = org.actions.find_action(id);
      if (!a) continue;
      f.recent_actions.push_back({a->id, kind,
                                  actions::string_field(a->fields, "title").value_or("(untitled)"),
                                  org.actions.tally(a->id).records, a->created});
    }
  }
  std::sort(f.recent_actions.begin(), f.recent_actions.end(),
            [](const RecentAction& a, const RecentAction& b) { return a.created > b.created; });
  if (f.recent_actions.size() > kRecentActions) f.recent_actions.resize(kRecentActions);
  for (const messaging::Message* m : org.messaging.messages()) {
    using messaging::MessageStatus;
    if (m->status != MessageStatus::kScheduled && m->status != MessageStatus::kSending &&
        m->status != MessageStatus::kPaused)
      continue;
    f.in_flight.push_back({m->id, m->name.empty() ? m->subject : m->name,
                           std::string(messaging::status_name(m->status)), channel_name(m->channel),
                           m->total_targeted});
  }
  return f;
}

}  // namespace tocsin::web::admin
