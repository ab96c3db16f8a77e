#include "messaging/planner.h"

#include "messaging/audience.h"
#include "messaging/render.h"
#include "policy/sms_segments.h"

namespace tocsin::messaging {
namespace {

// Reasons that refuse the message itself rather than one recipient: the same for everyone.
bool is_message_level(policy::Reason r) {
  using R = policy::Reason;
  switch (r) {
    case R::kOrgUnknown:
    case R::kOrgSuspended:
    case R::kBulkEmailPaused:
    case R::kSenderDomainUnverified:
    case R::kPostalAddressMissing:
    case R::kSenderUnknown:
    case R::kSenderUnregistered:
    case R::kLongCodeBulk:
      return true;
    default:
      return false;
  }
}

}  // namespace

std::optional<std::string> zip_of(const Person& p) {
  for (const auto& a : p.postal_addresses)
    if (!a.postal_code.empty() && (a.country.empty() || a.country == "US")) return a.postal_code;
  return std::nullopt;
}

Result<Audience> snapshot_audience(const people::OrgState& org, const Message& m) {
  auto people = resolve_audience(org, m);
  if (!people) return people.error();
  Audience a;
  a.org_id = org.org.id;
  a.hasher = org.hasher;
  auto view = org.messaging.gate_view();
  a.brand = view ? view->brand_name : org.org.name;
  a.people.reserve(people->size());
  for (const Person* p : people.value())
    a.people.push_back({p->id, m.channel == Channel::kEmail ? p->email : p->phone, zip_of(*p),
                        m.channel == Channel::kSms ? merge_values(*p) : MergeValues{}});
  return a;
}

Plan plan_message(const Audience& audience, const Message& m, const policy::Gate& gate, Micros now,
                  bool keep_rows) {
  Plan plan;
  auto& sum = plan.summary;
  sum.targeted = static_cast<int64_t>(audience.people.size());
  if (m.channel == Channel::kSms) {
    auto seg = policy::count_segments(m.body);
    sum.sms_segments = seg.segments;
    sum.sms_encoding = seg.encoding == policy::SmsEncoding::kGsm7 ? "GSM-7" : "UCS-2";
  }
  std::string from_domain = m.sender_domain();
  if (keep_rows) plan.rows.reserve(audience.people.size());
  int64_t seq = 0;
  for (const Candidate& p : audience.people) {
    store::DeliveryRow row;
    row.message_id = m.id;
    row.seq = seq++;
    row.person_id = p.person_id;
    row.channel = m.channel;
    row.updated = now;
    const auto& address = p.address;
    policy::Decision d;
    if (!address) {
      row.state = store::DeliveryState::kSuppressed;
      row.reason = std::string(m.channel == Channel::kEmail ? kNoEmailAddress : kNoPhoneNumber);
    } else {
      row.address = *address;
      row.contact = audience.hasher->hash(m.channel, *address);
      policy::Recipient to{*address, row.contact, p.zip};
      if (m.channel == Channel::kEmail) {
        d = gate.plan(policy::OutboundEmail{audience.org_id, to, policy::MessageKind::kBlast, from_domain});
      } else {
        std::string body = render_sms(m.body, audience.brand, true, p.values);
        d = gate.plan(policy::OutboundSms{audience.org_id, to, policy::MessageKind::kBlast, m.marketing,
                                          sum.targeted, m.sms_sender, body});
      }
      row.reason = std::string(policy::reason_name(d.reason));
      switch (d.kind) {
        case policy::Kind::kSend:
          row.state = store::DeliveryState::kQueued;
          row.next_at = now;
          row.reason.clear();
          ++sum.sendable;
          break;
        case policy::Kind::kDeferUntil:
          row.state = store::DeliveryState::kQueued;
          row.next_at = d.defer_until.value_or(now);
          ++sum.deferred;
          ++sum.waiting[row.reason];
          sum.deferred_until_latest = std::max(sum.deferred_until_latest, row.next_at);
          break;
        case policy::Kind::kSuppress:
          row.state = store::DeliveryState::kSuppressed;
          break;
        case policy::Kind::kBlock:
          row.state = store::DeliveryState::kBlocked;
          if (is_message_level(d.reason) && sum.blocked_reason.empty()) {
            sum.blocked_reason = row.reason;
            sum.blocked_sentence = d.sentence;
          }
          break;
      }
    }
    if (row.state == store::DeliveryState::kSuppressed || row.state == store::DeliveryState::kBlocked)
      ++sum.excluded[row.reason];
    if (keep_rows) plan.rows.push_back(std::move(row));
  }
  return plan;
}

}  // namespace tocsin::messaging
