#include "privacy/retention.h"

#include <spdlog/spdlog.h>

#include "core/doc_fields.h"
#include "core/ids.h"
#include "core/json_out.h"
#include "messaging/message.h"
#include "messaging/sms_inbound.h"
#include "privacy/contact_scope.h"
#include "privacy/erasure.h"

namespace tocsin::privacy {
namespace {

constexpr Micros kDay = int64_t{86400} * 1'000'000;
// A month of the policy is 30 days: "inactive for 24 months" need not be calendar-exact.
constexpr Micros kMonth = 30 * kDay;

Micros cutoff(Micros now, int units, Micros unit) {
  return units > 0 ? now - units * unit : 0;
}

// When the person last did or had anything done: created, changed, or an action record of theirs.
Micros last_activity(const people::OrgState& org, const Person& p) {
  Micros last = std::max(p.created, p.modified);
  for (const auto& rid : org.actions.records_of_person(p.id))
    if (const auto* r = org.actions.find_record(rid)) last = std::max({last, r->created, r->modified});
  return last;
}

bool subscribed_anywhere(const people::OrgState& org, const Person& p) {
  return (p.email && org.status_of(Channel::kEmail, *p.email) == consent::Status::kSubscribed) ||
         (p.phone && org.status_of(Channel::kSms, *p.phone) == consent::Status::kSubscribed);
}

bool inactive(const people::OrgState& org, const Person& p, Micros before) {
  return !subscribed_anywhere(org, p) && last_activity(org, p) < before;
}

// The erasure request a retention erasure is recorded as (the stubs' reason names it).
std::optional<PrivacyRequest> retention_request(const people::OrgState& org, const Person& p, Micros before,
                                                Micros now) {
  Result<ContactRef> subject = not_found("no contact point");
  if (p.email) subject = parse_contact(*p.email, org.org);
  if (!subject && p.phone) subject = parse_contact(*p.phone, org.org);
  if (!subject) return std::nullopt;
  PrivacyRequest r;
  r.id = new_uuid();
  r.kind = RequestKind::kErasure;
  r.subject = subject.value();
  r.received = r.due = now;
  r.state = RequestState::kDone;
  r.actor = "retention";
  r.note = "retention policy: no subscription and no activity since " + format_iso8601(before);
  return r;
}

// Blasts that finished before `before`: a message still sending, paused, held or scheduled is never
// aggregated (the store also refuses while any of its rows is pending or was touched since `before`).
std::vector<std::string> finished_before(const people::OrgState& org, Micros before) {
  using messaging::MessageStatus;
  std::vector<std::string> out;
  std::shared_lock lock(org.mu);
  for (const messaging::Message* m : org.messaging.messages()) {
    if (m->status != MessageStatus::kSent && m->status != MessageStatus::kStopped) continue;
    if (std::max(m->sent_end, m->modified) < before) out.push_back(m->id);
  }
  return out;
}

Micros delivery_cutoff(Micros now, const RetentionPolicy& p) {
  return cutoff(now, std::max(p.delivery_days, kMinDeliveryDays), kDay);
}

}  // namespace

Status check_retention(const RetentionPolicy& p, const std::function<std::string(std::string_view)>& label) {
  struct Limit {
    std::string_view key;
    int value, max;
  };
  for (const Limit& f :
       {Limit{"inactive_months", p.inactive_people_months, 1200},
        Limit{"evidence_days", p.evidence_days, 36500}, Limit{"inbound_days", p.inbound_text_days, 36500},
        Limit{"delivery_days", p.delivery_days, 36500}})
    if (f.value < 0 || f.value > f.max)
      return bad_request(label(f.key) + " must be from 0 (keep) to " + std::to_string(f.max));
  if (p.delivery_days > 0 && p.delivery_days < kMinDeliveryDays)
    return bad_request(label("delivery_days") + " must be 0 (keep) or from " +
                       std::to_string(kMinDeliveryDays) +
                       ": receipts, bounces, complaints and the frequency caps need a month of deliveries");
  return Ok{};
}

std::string encode_retention(const RetentionPolicy& p) {
  JsonOut j;
  write_retention(j, p);
  return j.take();
}

void write_retention(JsonOut& j, const RetentionPolicy& p) {
  j.begin()
      .kv("inactive_people_months", p.inactive_people_months)
      .kv("evidence_days", p.evidence_days)
      .kv("inbound_text_days", p.inbound_text_days)
      .kv("delivery_days", p.delivery_days)
      .end();
}

Result<RetentionPolicy> decode_retention(std::string_view doc) {
  thread_local simdjson::dom::parser parser;
  auto root = parse_doc(doc, parser, "retention policy");
  if (!root) return root.error();
  DocFields f(root.value());
  RetentionPolicy p;
  p.inactive_people_months = static_cast<int>(f.integer("inactive_people_months", p.inactive_people_months));
  p.evidence_days = static_cast<int>(f.integer("evidence_days", p.evidence_days));
  p.inbound_text_days = static_cast<int>(f.integer("inbound_text_days", p.inbound_text_days));
  // A policy stored before deliveries were aggregated has no such field: the default applies.
  p.delivery_days = static_cast<int>(f.integer("delivery_days", p.delivery_days));
  return p;
}

Result<RetentionPolicy> load_retention(store::OrgScope& scope) {
  auto doc = scope.doc(kRetentionKind, std::string(kRetentionId));
  if (!doc) return doc.error();
  if (!doc.value()) return RetentionPolicy{};
  return decode_retention(doc.value()->doc);
}

Result<RetentionDue> retention_due(const people::OrgState& org, store::OrgScope& scope,
                                   const RetentionPolicy& p, Micros now) {
  RetentionDue due;
  if (p.inactive_people_months > 0) {
    Micros before = cutoff(now, p.inactive_people_months, kMonth);
    std::shared_lock lock(org.mu);
    for (const Person* person : org.people_in_order)
      if (inactive(org, *person, before)) due.inactive_people.push_back(person->id);
  }
  if (p.evidence_days > 0) {
    auto n = scope.evidence_before(cutoff(now, p.evidence_days, kDay));
    if (!n) return n.error();
    due.evidence_entries = n.value();
  }
  if (p.inbound_text_days > 0) {
    Micros before = cutoff(now, p.inbound_text_days, kDay);
    auto docs = scope.docs_of_kind(messaging::kInboundKind);
    if (!docs) return docs.error();
    for (const auto& d : docs.value()) {
      auto in = messaging::decode_inbound(d.doc);
      if (in && in->recorded_at < before) due.inbound_texts.push_back(d.id);
    }
  }
  if (p.delivery_days > 0) {
    Micros before = delivery_cutoff(now, p);
    for (const auto& id : finished_before(org, before)) {
      auto fold = scope.deliveries_to_aggregate(id, before);
      if (!fold) return fold.error();
      if (fold->rows == 0 && fold->plan_entries == 0) continue;  // aggregated already, or not due
      due.delivery_messages.push_back(id);
      due.delivery_rows += fold->rows;
    }
  }
  return due;
}

Result<SweepCounts> sweep_retention(people::OrgState& org, store::Store& store,
                                    store::GroupCommitter& committer, Micros now, const StopSignal& stop,
                                    int batch, const std::function<void(const SweepCounts&)>& progress) {
  auto scope = store.scope(org.org.id);
  auto policy = load_retention(scope);
  if (!policy) return policy.error();
  auto due = retention_due(org, scope, policy.value(), now);
  if (!due) return due.error();
  SweepCounts n;

  if (due->evidence_entries > 0) {
    Micros before = cutoff(now, policy->evidence_days, kDay);
    while (!stop.stopped()) {
      auto blanked = scope.blank_evidence_before(before, batch);
      if (!blanked) return blanked.error();
      n.evidence_blanked += blanked.value();
      if (progress) progress(n);
      if (blanked.value() < batch) break;
    }
  }

  const auto& texts = due->inbound_texts;
  for (size_t i = 0; i < texts.size() && !stop.stopped(); i += batch) {
    size_t end = std::min(texts.size(), i + batch);
    committer.run_sync([&](store::WriteBatch& b) {
      auto w = b.for_org(org.org.id);
      for (size_t k = i; k < end; ++k)
        w.add(store::op::DeleteDoc{std::string(messaging::kInboundKind), texts[k]});
      return std::function<void()>{};
    });
    n.inbound_deleted += static_cast<int64_t>(end - i);
    if (progress) progress(n);
  }

  // Deliveries message by message, lowest seq first; a message's statistics read the same between batches
  // (the store counts folded rows as rows) and its plan goes with its last rows.
  const int64_t delivery_batch = int64_t{batch} * 10;
  Micros delivery_before = delivery_cutoff(now, policy.value());
  for (const auto& id : due->delivery_messages) {
    bool folded = false;
    while (!stop.stopped()) {
      auto fold = scope.aggregate_deliveries(id, delivery_before, delivery_batch);
      if (!fold) return fold.error();
      n.deliveries_aggregated += fold->rows;
      if (progress) progress(n);
      folded = folded || fold->rows > 0 || fold->plan_entries > 0;
      if (fold->rows < delivery_batch) {  // no row left: the plan went with the last ones
        n.messages_aggregated += folded ? 1 : 0;
        break;
      }
    }
  }

  // People are erased a few at a time: forgetting a person walks the organization's indexes under its
  // exclusive lock (people/directory.h), and signups wait for that lock.
  const size_t people_batch = std::max(1, batch / 10);
  Micros before = cutoff(now, policy->inactive_people_months, kMonth);
  const auto& ids = due->inactive_people;
  for (size_t i = 0; i < ids.size() && !stop.stopped(); i += people_batch) {
    std::vector<std::pair<PrivacyRequest, ErasurePlan>> planned;
    {
      std::shared_lock lock(org.mu);
      for (size_t k = i; k < std::min(ids.size(), i + people_batch); ++k) {
        const Person* p = org.find_person(ids[k]);
        if (!p || !inactive(org, *p, before)) continue;
        auto request = retention_request(org, *p, before, now);
        if (!request) continue;
        auto plan = plan_erasure(org, scope, *request);
        if (!plan) return plan.error();
        planned.emplace_back(std::move(*request), std::move(plan).value());
      }
    }
    committer.run_sync([&](store::WriteBatch& b) {
      auto w = b.for_org(org.org.id);
      std::unique_lock lock(org.mu);
      for (auto& [request, plan] : planned) {
        // Someone who signed up or acted since the plan was made is no longer due.
        const Person* p = org.find_person(plan.person_ids.empty() ? "" : plan.person_ids.front());
        if (!p || !inactive(org, *p, before)) continue;
        auto counts = apply_erasure(org, w, plan, request, "retention", now);
        n.people_erased += counts.people;
        request.subject.address = erased_marker(org, request.subject);
        request.audit.push_back({now, "retention",
                                 "erased " + std::to_string(counts.people) + " person(s) and " +
                                     std::to_string(counts.contact_points) + " contact point(s)"});
        w.add(store::op::PutDoc{
            {std::string(kPrivacyRequestKind), request.id, encode_privacy_request(request)}});
      }
      return std::function<void()>{};
    });
    if (progress) progress(n);
  }
  if (n.people_erased > 0 || n.inbound_deleted > 0 || n.evidence_blanked > 0 || n.deliveries_aggregated > 0 ||
      n.messages_aggregated > 0)
    if (auto s = store.scrub(false); !s) return s.error();
  return n;
}

void RetentionSweeper::start(std::chrono::milliseconds period) {
  stop_.reset();
  thread_ = std::thread([this, period] {
    do sweep_all();
    while (stop_.wait_for(period));
  });
}

void RetentionSweeper::stop() {
  stop_.stop();
  if (thread_.joinable()) thread_.join();
}

void RetentionSweeper::sweep_all() {
  for (people::OrgState* org : directory_.all()) {
    if (stop_.stopped()) return;
    auto n = sweep_retention(*org, store_, committer_, now_micros(), stop_);
    if (!n) {
      spdlog::error("retention sweep of organization {}: {}", org->org.id, n.error().message);
      continue;
    }
    if (n->people_erased || n->evidence_blanked || n->inbound_deleted || n->deliveries_aggregated ||
        n->messages_aggregated)
      spdlog::info(
          "retention sweep of organization {}: {} person(s) erased, {} ledger entries' IP and user "
          "agent blanked, {} inbound text(s) deleted, {} delivery row(s) aggregated ({} message(s) done)",
          org->org.id, n->people_erased, n->evidence_blanked, n->inbound_deleted, n->deliveries_aggregated,
          n->messages_aggregated);
  }
}

}  // namespace tocsin::privacy
