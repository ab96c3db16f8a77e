#include "messaging/planner.h"

#include <algorithm>
#include <thread>

#include "messaging/audience.h"
#include "messaging/content_screening.h"
#include "messaging/render.h"
#include "policy/sms_segments.h"
#include "sms/pacer.h"

namespace tocsin::messaging {
namespace {

// Reasons that refuse the message itself rather than one recipient: the same for everyone.
bool is_message_level(policy::Reason r) {
  using R = policy::Reason;
  switch (r) {
    case R::kOrgUnknown:
    case R::kOrgSuspended:
    case R::kEvidenceOverdue:
    case R::kBulkEmailPaused:
    case R::kSenderDomainUnverified:
    case R::kDmarcMissing:
    case R::kDmarcMisaligned:
    case R::kPostalAddressMissing:
    case R::kSenderUnknown:
    case R::kSenderUnregistered:
    case R::kLongCodeBulk:
    case R::kSenderDisabled:
    case R::kDomainDisabled:
    case R::kSenderOptOutRate:
    case R::kAcceptableUseNotAccepted:
    // The organization's standing and the SMS provider's rules: the same for every recipient.
    case R::kBulkTextsPaused:
    case R::kNewOrgReview:
    case R::kProviderForbidsMarketing:
    case R::kProviderBlastLimit:
    case R::kProviderSegmentLimit:
    // The text itself (as rendered for sending): sending it would exclude everyone it does not fit, so the
    // message is refused instead and its author shortens or fixes it.
    case R::kInvalidText:
    case R::kBrandMissing:
    case R::kTooManySegments:
    // Content screening judges the message, not the recipient.
    case R::kContentBlocked:
    case R::kContentHeld:
      return true;
    default:
      return false;
  }
}

}  // namespace

void apply_sender_daily_cap(PlanSummary& sum, int64_t daily_cap, int64_t sent_today, Micros now) {
  if (daily_cap <= 0 || sum.sendable == 0) return;
  int64_t today = std::clamp<int64_t>(daily_cap - sent_today, 0, sum.sendable);
  int64_t later = sum.sendable - today;
  if (later == 0) return;
  sum.sendable = today;
  sum.deferred += later;
  sum.waiting[std::string(kSenderDailyCap)] += later;
  // Day 1 after today takes `daily_cap`, and so on: the last of them goes on day ceil(later / cap).
  Micros last_day = sms::next_utc_day(now) + (later - 1) / daily_cap * sms::kUtcDay;
  sum.deferred_until_latest = std::max(sum.deferred_until_latest, last_day);
}

std::optional<std::string> zip_of(const Person& p) {
  for (const auto& a : p.postal_addresses)
    if (!a.postal_code.empty() && (a.country.empty() || a.country == "US")) return a.postal_code;
  return std::nullopt;
}

void Audience::reserve(size_t people, size_t text_bytes) {
  people_.reserve(people);
  text_.reserve(text_bytes);
}

void Audience::add(std::string_view person_id, const std::optional<std::string>& address,
                   const std::optional<std::string>& zip, MergeValues values) {
  Span s;
  s.at = static_cast<uint32_t>(text_.size());
  s.id = static_cast<uint32_t>(person_id.size());
  text_.append(person_id);
  s.has_address = address.has_value();
  if (address) {
    s.address = static_cast<uint32_t>(address->size());
    text_.append(*address);
  }
  s.has_zip = zip.has_value();
  if (zip) {
    s.zip = static_cast<uint32_t>(zip->size());
    text_.append(*zip);
  }
  people_.push_back(s);
  if (!values.fields.empty() || !values_.empty()) {
    values_.resize(people_.size());
    values_.back() = std::move(values);
  }
}

std::string_view Audience::person_id(size_t i) const {
  const Span& s = people_[i];
  return std::string_view(text_).substr(s.at, s.id);
}

std::optional<std::string_view> Audience::address(size_t i) const {
  const Span& s = people_[i];
  if (!s.has_address) return std::nullopt;
  return std::string_view(text_).substr(s.at + s.id, s.address);
}

std::optional<std::string_view> Audience::zip(size_t i) const {
  const Span& s = people_[i];
  if (!s.has_zip) return std::nullopt;
  return std::string_view(text_).substr(s.at + s.id + s.address, s.zip);
}

const MergeValues& Audience::values(size_t i) const {
  static const MergeValues kNone;
  return i < values_.size() ? values_[i] : kNone;
}

Result<Audience> snapshot_audience(const people::OrgState& org, const Message& m) {
  auto people = resolve_audience(org, m);
  if (!people) return people.error();
  Audience a;
  a.org_id = org.org.id;
  a.hasher = org.hasher;
  auto view = org.messaging.gate_view();
  a.brand = view ? view->brand_name : org.org.name;
  a.gdpr_applies = org.org.gdpr_applies;
  a.special_category_used = special_category_used(org, m);
  bool email = m.channel == Channel::kEmail;
  a.reserve(people->size(), people->size() * 72);
  for (const Person* p : people.value())
    a.add(p->id, email ? p->email : p->phone, zip_of(*p), email ? MergeValues{} : merge_values(*p));
  return a;
}

namespace {

// Keeps the longest text as sent, and UCS-2 when any text needs it.
void note_segments(PlanSummary& sum, std::string_view sent_text) {
  policy::SegmentCount seg = policy::count_segments(sent_text);
  sum.sms_segments = std::max(sum.sms_segments, seg.segments);
  if (sum.sms_encoding.empty() || seg.encoding == policy::SmsEncoding::kUcs2)
    sum.sms_encoding = std::string(policy::encoding_name(seg.encoding));
}

// Audiences smaller than this are planned on one thread: starting threads would cost more than it saves.
constexpr size_t kPerThread = 20'000;

// One thread's share of a plan: audience members [begin, end). The counts by reason are kept in `excluded`
// and `waiting`, keyed by the reason codes' static names (no string made per recipient), not in `sum`'s maps.
struct Part {
  PlanSummary sum;
  std::map<std::string_view, int64_t> excluded, waiting;
  store::DeliveryPlan entries;
};

void plan_part(const Audience& a, const Message& m, const policy::Gate& gate, Micros now, bool keep,
               int64_t targeted, size_t begin, size_t end, Part& part) {
  auto& sum = part.sum;
  // One outbound value reused for every recipient, so planning allocates nothing per person but the gate's
  // own decision.
  policy::OutboundEmail email{a.org_id, {}, policy::MessageKind::kBlast, m.sender_domain(), email_content(m)};
  email.blast_recipients = targeted;
  policy::OutboundSms text{a.org_id,     {}, policy::MessageKind::kBlast, m.marketing, targeted,
                           m.sms_sender, {}, m.review_approved()};
  // The marks as the audience found them (the message records them only when it starts).
  email.scope = text.scope = blast_scope(m.purpose, a.special_category_used, a.gdpr_applies);
  policy::Recipient& to = m.channel == Channel::kEmail ? email.to : text.to;
  if (keep) part.entries.reserve(end - begin, (end - begin) * 36);
  for (size_t i = begin; i < end; ++i) {
    auto address = a.address(i);
    store::DeliveryState state = store::DeliveryState::kQueued;
    std::string_view reason;
    Micros next_at = now;
    if (!address) {
      state = store::DeliveryState::kSuppressed;
      reason = m.channel == Channel::kEmail ? kNoEmailAddress : kNoPhoneNumber;
    } else {
      to.address.assign(*address);
      to.contact = a.hasher->hash(m.channel, *address);
      if (auto zip = a.zip(i))
        to.zip.emplace(*zip);
      else
        to.zip.reset();
      policy::Decision d;
      if (m.channel == Channel::kEmail) {
        d = gate.plan(email);
      } else {
        text.body = render_sms(m.body, a.brand, true, a.values(i));
        note_segments(sum, text.body);
        d = gate.plan(text);
      }
      reason = policy::reason_name(d.reason);
      switch (d.kind) {
        case policy::Kind::kSend:
          reason = {};
          ++sum.sendable;
          break;
        case policy::Kind::kDeferUntil:
          next_at = d.defer_until.value_or(now);
          ++sum.deferred;
          ++part.waiting[reason];
          sum.deferred_until_latest = std::max(sum.deferred_until_latest, next_at);
          break;
        case policy::Kind::kSuppress:
          state = store::DeliveryState::kSuppressed;
          break;
        case policy::Kind::kBlock:
          state = store::DeliveryState::kBlocked;
          if (is_message_level(d.reason) && sum.blocked_reason.empty()) {
            sum.blocked_reason = std::string(reason);
            sum.blocked_sentence = d.sentence;
          }
          break;
      }
    }
    if (state != store::DeliveryState::kQueued) ++part.excluded[reason];
    if (keep) part.entries.add(a.person_id(i), state, reason, next_at);
  }
}

}  // namespace

Plan plan_message(const Audience& audience, const Message& m, const policy::Gate& gate, Micros now,
                  bool keep_entries) {
  Plan plan;
  auto& sum = plan.summary;
  size_t n = audience.size();
  sum.targeted = static_cast<int64_t>(n);
  sum.special_category_used = audience.special_category_used;
  // The text as sent without any merge value, so an audience without phone numbers still gets a count.
  if (m.channel == Channel::kSms) note_segments(sum, render_sms(m.body, audience.brand, true, {}));
  size_t threads = std::clamp<size_t>(std::thread::hardware_concurrency(), 1, 4);
  threads = std::max<size_t>(1, std::min(threads, n / kPerThread));
  std::vector<Part> parts(threads);
  {
    std::vector<std::thread> helpers;
    for (size_t t = 1; t < threads; ++t)
      helpers.emplace_back([&, t] {
        plan_part(audience, m, gate, now, keep_entries, sum.targeted, n * t / threads, n * (t + 1) / threads,
                  parts[t]);
      });
    plan_part(audience, m, gate, now, keep_entries, sum.targeted, 0, n / threads, parts[0]);
    for (auto& h : helpers) h.join();
  }
  // In audience order, so the message-level refusal reported is the first recipient's.
  for (auto& p : parts) {
    sum.sendable += p.sum.sendable;
    sum.deferred += p.sum.deferred;
    sum.deferred_until_latest = std::max(sum.deferred_until_latest, p.sum.deferred_until_latest);
    if (!p.sum.sms_encoding.empty()) {
      sum.sms_segments = std::max(sum.sms_segments, p.sum.sms_segments);
      if (p.sum.sms_encoding == policy::encoding_name(policy::SmsEncoding::kUcs2))
        sum.sms_encoding = p.sum.sms_encoding;
    }
    if (sum.blocked_reason.empty()) {
      sum.blocked_reason = std::move(p.sum.blocked_reason);
      sum.blocked_sentence = std::move(p.sum.blocked_sentence);
    }
    for (const auto& [r, c] : p.excluded) sum.excluded[std::string(r)] += c;
    for (const auto& [r, c] : p.waiting) sum.waiting[std::string(r)] += c;
    if (!keep_entries) continue;
    if (plan.entries.empty())
      plan.entries = std::move(p.entries);
    else
      plan.entries.append(p.entries);
  }
  return plan;
}

}  // namespace tocsin::messaging
