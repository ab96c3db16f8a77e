#include "privacy/erasure.h"

#include <algorithm>
#include <set>

#include "core/doc_fields.h"
#include "messaging/resubscribe_confirmation.h"
#include "messaging/sms_inbound.h"
#include "privacy/access_bundle.h"

namespace tocsin::privacy {
namespace {

// Whether `c` is one of the plan's contact points, compared by keyed hash (an email address in any case).
bool covers(const people::OrgState& org, const ErasurePlan& plan, const ContactRef& c) {
  ContactHash h = org.hasher->hash(c.channel, c.address);
  return std::any_of(plan.contacts.begin(), plan.contacts.end(),
                     [&](const ErasedContact& e) { return e.hash == h; });
}

// Inbound texts from the numbers (or recorded against the people) only held the subject's data.
Status plan_inbound_texts(const people::OrgState& org, store::OrgScope& scope, ErasurePlan& plan) {
  auto texts = scope.docs_of_kind(messaging::kInboundKind);
  if (!texts) return texts.error();
  std::set<std::string> people(plan.person_ids.begin(), plan.person_ids.end());
  simdjson::dom::parser parser;
  for (const auto& d : texts.value()) {
    auto root = parse_doc(d.doc, parser, "inbound text");
    if (!root) continue;
    DocFields f(root.value());
    if (people.count(f.str("person_id")) || covers(org, plan, {Channel::kSms, f.str("from")}))
      plan.gone.push_back({d.kind, d.id});
  }
  return Ok{};
}

// Privacy requests about the subject keep their record (what was asked, done, by whom) without the address;
// consent-evidence requests drop the contact point from their list and say so.
Status plan_requests(const people::OrgState& org, store::OrgScope& scope, const PrivacyRequest& request,
                     Micros now, ErasurePlan& plan) {
  auto requests = scope.docs_of_kind(kPrivacyRequestKind);
  if (!requests) return requests.error();
  for (const auto& d : requests.value()) {
    auto r = decode_privacy_request(d.doc);
    if (!r || r->id == request.id || !covers(org, plan, r->subject)) continue;
    r->subject.address = erased_marker(org, r->subject);
    r->audit.push_back({now, "tocsin:erasure", "subject erased by privacy request " + request.id});
    plan.rewritten.push_back({d.kind, d.id, encode_privacy_request(r.value())});
  }
  auto evidence = scope.docs_of_kind(kEvidenceRequestKind);
  if (!evidence) return evidence.error();
  for (const auto& d : evidence.value()) {
    auto r = decode_evidence_request(d.doc);
    if (!r) continue;
    auto n = std::erase_if(r->contacts, [&](const ContactRef& c) { return covers(org, plan, c); });
    if (n == 0) continue;
    r->audit.push_back({now, "tocsin:erasure",
                        std::to_string(n) + " contact point(s) erased by privacy request " + request.id});
    plan.rewritten.push_back({d.kind, d.id, encode_evidence_request(r.value())});
  }
  return Ok{};
}

}  // namespace

std::string erased_marker(const people::OrgState& org, const ContactRef& c) {
  return "erased-" + to_hex(org.hasher->hash(c.channel, c.address)).substr(0, 16);
}

Result<ErasurePlan> plan_erasure(const people::OrgState& org, store::OrgScope& scope,
                                 const PrivacyRequest& request) {
  ErasurePlan plan;
  plan.person_ids = subject_people(org, request.subject);
  // One entry per contact point: a person's address may differ from the subject in case only, and the
  // keyed hash is of the case-folded address.
  auto add = [&](Channel ch, const std::string& address) {
    ContactHash h = org.hasher->hash(ch, address);
    if (std::none_of(plan.contacts.begin(), plan.contacts.end(),
                     [&](const ErasedContact& e) { return e.hash == h; }))
      plan.contacts.push_back({{ch, address}, h});
  };
  add(request.subject.channel, request.subject.address);
  for (const auto& pid : plan.person_ids)
    if (const Person* p = org.find_person(pid)) {
      if (p->email) add(Channel::kEmail, *p->email);
      if (p->phone) add(Channel::kSms, *p->phone);
    }
  for (const auto& c : plan.contacts)
    if (c.ref.channel == Channel::kEmail)
      plan.gone.push_back({std::string(messaging::kResubscribeKind), to_hex(c.hash)});
  if (auto s = plan_inbound_texts(org, scope, plan); !s) return s.error();
  if (auto s = plan_requests(org, scope, request, now_micros(), plan); !s) return s.error();
  return plan;
}

ErasureCounts apply_erasure(people::OrgState& org, store::WriteBatch::OrgWrites& w, const ErasurePlan& plan,
                            const PrivacyRequest& request, const std::string& actor, Micros now) {
  ErasureCounts counts;
  consent::Evidence ev;
  ev.actor = actor;
  ev.source = "privacy_request:" + request.id;
  ev.method = "privacy request: erasure";
  auto& suppressions = org.messaging.suppressions();
  // The opt-out comes first: its entries are blanked with the others below, in the same commit.
  for (const auto& [c, h] : plan.contacts) {
    if (org.status_of(h) == consent::Status::kSubscribed) {
      const Person* holder = org.find_by_contact(c.channel, c.address);
      org.record_status(w, c.channel, c.address, holder ? holder->id : "", consent::Status::kUnsubscribed, ev,
                        now);
    }
    w.add(store::op::PutSuppression{
        {org.org.id, c.channel, h, now,
         std::string(store::kErasureStubReason) + ": privacy request " + request.id, true}});
    suppressions.add_erased(h, now);
    ++counts.contact_points;
  }
  for (const auto& pid : plan.person_ids) {
    if (!org.forget_person(pid)) continue;
    w.add(store::op::ErasePerson{pid});
    ++counts.people;
  }
  for (const auto& [c, h] : plan.contacts) w.add(store::op::EraseContact{c.channel, h});
  for (const auto& d : plan.gone) w.add(d);
  for (const auto& d : plan.rewritten) w.add(store::op::PutDoc{d});
  counts.documents = static_cast<int>(plan.gone.size() + plan.rewritten.size());
  return counts;
}

}  // namespace tocsin::privacy
