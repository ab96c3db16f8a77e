#include "messaging/blast_control.h"

#include <memory>

#include "core/contact_point.h"
#include "messaging/audience.h"
#include "messaging/content_screening.h"
#include "messaging/dispatcher.h"
#include "messaging/gate_wiring.h"
#include "messaging/header_values.h"
#include "messaging/org_write.h"
#include "messaging/render.h"

namespace tocsin::messaging {

Status check_draft(const people::OrgState& org, Message& m) {
  if (auto s = check_header_fields(m); !s) return s;
  if (m.subject.size() > 998) return bad_request("subject is too long (998 characters at most)");
  if (m.body.size() > 512 * 1024) return bad_request("body is too long (512 KiB at most)");
  if (!m.reply_to.empty() && !normalize_email(m.reply_to))
    return bad_request("reply_to is not an email address");
  if (!m.from_address.empty()) {
    auto n = normalize_email(m.from_address);
    if (!n) return bad_request("tocsin:from_address is not an email address");
    m.from_address = n.value();
  }
  if (m.channel == Channel::kSms && !m.sms_sender.empty()) {
    if (m.sms_sender.find_first_not_of("0123456789") != std::string::npos || m.sms_sender.size() > 6) {
      auto n = normalize_phone(m.sms_sender, org.org.default_region);
      if (!n) return bad_request("tocsin:sms_sender is not a phone number or short code");
      m.sms_sender = n.value();
    }
  }
  if (auto s = check_template(m.body, m.channel == Channel::kEmail); !s) return s;
  return check_template(m.subject, false);
}

Status ready_to_send(const Message& m) {
  if (m.status != MessageStatus::kDraft)
    return bad_request(std::string("this message is ") + std::string(status_name(m.status)) +
                       "; only a draft can be scheduled or sent");
  if (m.body.empty()) return bad_request("body is required before sending");
  if (m.targets.empty()) return bad_request("targets are required before sending");
  if (m.channel == Channel::kEmail) {
    if (m.subject.empty() || m.from.empty() || m.reply_to.empty())
      return bad_request("subject, from and reply_to are required before sending");
  } else if (m.sms_sender.empty()) {
    return bad_request("tocsin:sms_sender is required before sending a text");
  }
  return Ok{};
}

std::string brand_of(const people::OrgState& org) {
  auto view = org.messaging.gate_view();
  return view ? view->brand_name : org.org.name;
}

Result<Preflight> preflight(people::OrgState& org, const policy::Gate& gate, const Dispatcher* dispatcher,
                            const std::string& message_id, bool keep_entries) {
  Preflight out;
  Result<Audience> audience = bad_request("");
  int64_t daily_cap = 0;
  std::string brand;
  {
    std::shared_lock lock(org.mu);
    const Message* existing = org.messaging.message(message_id);
    if (!existing) return not_found("no such message");
    out.message = *existing;
    audience = snapshot_audience(org, out.message);
    brand = brand_of(org);
    if (auto sender = org.messaging.senders().find(out.message.sms_sender);
        sender != org.messaging.senders().end())
      daily_cap = sender->second.daily_cap;
  }
  if (!audience) return audience.error();
  Micros now = now_micros();
  out.plan = plan_message(audience.value(), out.message, gate, now, keep_entries);
  if (out.message.channel == Channel::kSms && daily_cap > 0) {
    int64_t sent_today = dispatcher ? dispatcher->sms_sent_today(out.message.sms_sender) : 0;
    apply_sender_daily_cap(out.plan.summary, daily_cap, sent_today, now);
  }
  out.screening = screen_message(gate, org.org.id, brand, out.message);
  return out;
}

namespace {

// The gate held the message at send — content screening (content_held) or a new organization's first large
// blasts (new_org_review, policy/org_trust.h): it becomes `held` with the findings, for the platform
// operator's review queue (`tocsin review`). The plan's reason code and sentence are kept as the status
// reason, so the organization and the operator read the same words.
void hold(const BlastServices& s, people::OrgState& org, const Message& m, const PlanSummary& sum,
          std::function<void(Result<BlastStart>)> done) {
  auto start = std::make_shared<BlastStart>();
  start->held = true;
  start->held_reason = sum.blocked_reason;
  start->held_sentence = sum.blocked_sentence;
  std::string why = sum.blocked_reason + ": " + sum.blocked_sentence;
  start->channel = m.channel;
  if (s.gate) {
    std::string brand;
    {
      std::shared_lock lock(org.mu);
      brand = brand_of(org);
    }
    start->screening = screen_message(s.gate->gate(), org.org.id, brand, m);
  }
  std::string findings = findings_json(start->screening);
  commit_org_write(
      s.committer, org,
      [id = m.id, findings, why, targeted = sum.targeted](
          people::OrgState& o, store::WriteBatch::OrgWrites& w, Micros now) -> Result<std::string> {
        const Message* existing = o.messaging.message(id);
        if (!existing || existing->status != MessageStatus::kDraft)
          return bad_request("this message was sent or scheduled meanwhile");
        Message next = *existing;
        next.status = MessageStatus::kHeld;
        next.status_reason = "held for review: " + why;
        next.review_state = "held";
        next.review_findings = findings;
        next.total_targeted = targeted;  // the review queue shows how many it would reach
        next.review_note.clear();
        next.modified = now;
        o.messaging.put_message(w, std::move(next));
        return std::string();
      },
      [start, done = std::move(done)](Result<std::string> r) {
        if (!r) return done(r.error());
        done(std::move(*start));
      });
}

}  // namespace

void start_blast(const BlastServices& s, people::OrgState& org, const std::string& message_id,
                 std::function<Status(const Message&)> as_seen,
                 std::function<void(const PlanSummary&)> planned,
                 std::function<void(Result<BlastStart>)> done) {
  Message m;
  {
    std::shared_lock lock(org.mu);
    const Message* existing = org.messaging.message(message_id);
    if (!existing) return done(not_found("no such message"));
    m = *existing;
  }
  if (auto ready = ready_to_send(m); !ready) return done(ready.error());
  if (as_seen)
    if (auto seen = as_seen(m); !seen) return done(seen.error());
  auto plan = s.dispatcher.plan_and_store(org, m);
  if (!plan) return done(plan.error());
  const PlanSummary& sum = plan->summary;
  if (sum.blocked_reason == policy::reason_name(policy::Reason::kContentHeld) ||
      sum.blocked_reason == policy::reason_name(policy::Reason::kNewOrgReview))
    return hold(s, org, m, sum, std::move(done));
  if (!sum.blocked_reason.empty())
    return done(unprocessable(sum.blocked_sentence + " (" + sum.blocked_reason + ")"));
  if (sum.targeted == 0) return done(bad_request("the targets select nobody (total_targeted is 0)"));
  if (planned) planned(sum);
  auto pending = std::make_shared<PendingBlast>();
  pending->plan = std::move(plan->entries);
  BlastStart start;
  start.channel = m.channel;
  start.targeted = sum.targeted;
  start.special_category_used = sum.special_category_used;
  // Copied before the call: its arguments are built in an unspecified order, and `done` takes `start`.
  const int64_t targeted = start.targeted;
  const std::vector<std::string> used = start.special_category_used;
  commit_org_write(
      s.committer, org,
      [id = m.id, targeted, used, as_seen](people::OrgState& o, store::WriteBatch::OrgWrites& w,
                                           Micros now) -> Result<std::string> {
        const Message* existing = o.messaging.message(id);
        if (!existing || existing->status != MessageStatus::kDraft)
          return bad_request("this message was sent or scheduled meanwhile");
        if (as_seen)
          if (auto seen = as_seen(*existing); !seen) return seen.error();
        Message next = *existing;
        next.approval_requested_by.clear();
        next.approval_requested_at = 0;
        next.status = MessageStatus::kSending;
        next.sent_start = now;
        next.modified = now;
        next.total_targeted = targeted;
        next.special_category_used = used;
        o.messaging.put_message(w, std::move(next));
        return std::string();
      },
      // The dispatcher starts only once the status change is durable, and only for the send that made it
      // (two concurrent sends of one draft: the second's commit is refused and starts nothing).
      [start = std::move(start), done = std::move(done), dispatcher = &s.dispatcher, org_id = org.org.id,
       id = m.id, pending](Result<std::string> r) mutable {
        if (!r) return done(r.error());
        dispatcher->begin(org_id, id, std::move(*pending));
        done(std::move(start));
      });
}

Status reschedule(people::OrgState& org, store::WriteBatch::OrgWrites& w, const std::string& message_id,
                  std::optional<Micros> at, Micros now) {
  const Message* existing = org.messaging.message(message_id);
  if (!existing) return not_found("no such message");
  Message m = *existing;
  if (!at) {
    if (m.status != MessageStatus::kScheduled) return bad_request("this message is not scheduled");
    m.status = MessageStatus::kDraft;
    m.scheduled_at = 0;
  } else {
    if (auto s = ready_to_send(m); !s) return s;
    m.status = MessageStatus::kScheduled;
    m.scheduled_at = *at;
  }
  m.modified = now;
  org.messaging.put_message(w, std::move(m));
  return Ok{};
}

Status pause_by_staff(people::OrgState& org, store::WriteBatch::OrgWrites& w, const std::string& message_id,
                      const std::string& by, Micros now) {
  const Message* existing = org.messaging.message(message_id);
  if (!existing) return not_found("no such message");
  Message m = *existing;
  const bool running = m.status == MessageStatus::kSending || m.status == MessageStatus::kPaused;
  if (!by.empty()) {
    if (!running) return bad_request("this message is not sending");
    if (!m.paused_by.empty()) return Ok{};
    m.paused_by = by;
    m.paused_at = now;
  } else {
    if (m.paused_by.empty() || !running) return bad_request("this message was not paused by staff");
    m.paused_by.clear();
    m.paused_at = 0;
  }
  m.modified = now;
  org.messaging.put_message(w, std::move(m));
  return Ok{};
}

Result<Channel> stop_blast(Dispatcher& dispatcher, people::OrgState& org, const std::string& message_id) {
  Channel channel;
  {
    std::shared_lock lock(org.mu);
    const Message* existing = org.messaging.message(message_id);
    if (!existing) return not_found("no such message");
    if (existing->status != MessageStatus::kSending && existing->status != MessageStatus::kPaused)
      return bad_request("this message is not sending");
    channel = existing->channel;
  }
  dispatcher.halt(org.org.id, message_id);
  return channel;
}

}  // namespace tocsin::messaging
