#include "messaging/mail_ingest.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "core/json_out.h"
#include "core/text.h"
#include "email/bounce_address.h"
#include "email/mail_report.h"
#include "messaging/delivery_metrics.h"
#include "messaging/feedback_status.h"
#include "messaging/unsubscribe.h"

namespace tocsin::messaging {
namespace {

using email::BounceClass;
using email::MailReport;

std::string field(const std::map<std::string, std::string>& f, const char* name) {
  auto it = f.find(name);
  return it == f.end() ? std::string() : it->second;
}

std::optional<email::AddressedDelivery> find_reference(const email::DeliveryTokens& tokens,
                                                       const MailReport& r,
                                                       std::string_view envelope_recipient) {
  const std::string candidates[] = {std::string(envelope_recipient),
                                    field(r.headers, "x-original-to"),
                                    field(r.headers, "delivered-to"),
                                    field(r.headers, "to"),
                                    field(r.original_headers, "x-tocsin-delivery"),
                                    field(r.original_headers, "message-id"),
                                    field(r.original_headers, "return-path"),
                                    r.original_mail_from};
  for (const auto& c : candidates) {
    if (c.empty()) continue;
    if (auto ref = email::parse_delivery_reference(tokens, c)) return ref;
  }
  return std::nullopt;
}

// The recipient block about this delivery's address, else the first failing one, else the first.
const email::RecipientStatus* pick_recipient(const MailReport& r, const store::DeliveryRow& d) {
  const email::RecipientStatus* failing = nullptr;
  for (const auto& rs : r.recipients) {
    if (!d.address.empty() &&
        (lower_ascii(rs.final_recipient) == d.address || lower_ascii(rs.original_recipient) == d.address))
      return &rs;
    if (!failing && rs.bounce_class != BounceClass::kNone) failing = &rs;
  }
  return failing ? failing : r.recipients.empty() ? nullptr : &r.recipients.front();
}

consent::Evidence mail_evidence(std::string method, std::string source) {
  consent::Evidence ev;
  ev.actor = "mail";
  ev.method = std::move(method);
  ev.source = std::move(source);
  return ev;
}

std::string status_text(const email::RecipientStatus& rs) {
  std::string s = rs.status.empty() ? rs.action : rs.status;
  if (!rs.diagnostic_code.empty()) s += " (" + rs.diagnostic_code.substr(0, 200) + ")";
  return s;
}

class Ingest {
 public:
  Ingest(FeedbackContext& ctx, people::OrgState& org, store::DeliveryRow d)
      : ctx_(ctx), org_(org), d_(std::move(d)), scope_(ctx.store.scope(org.org.id)) {
    out_.delivery = d_.message_id + ":" + std::to_string(d_.seq);
    out_.contact = d_.contact;
  }

  Result<IngestOutcome> unsubscribe() {
    UnsubscribeRequest req{
        d_.person_id, d_.message_id, d_,
        mail_evidence("mailto unsubscribe", "mailto unsubscribe, message " + d_.message_id)};
    auto changed = unsubscribe_recipient(ctx_.store, ctx_.committer, org_, std::move(req), ctx_.now);
    if (!changed) return changed.error();
    return done("unsubscribe", changed.value(), "the recipient unsubscribed by mail");
  }

  Result<IngestOutcome> delivery_status(const MailReport& r) {
    const email::RecipientStatus* rs = pick_recipient(r, d_);
    if (!rs) return ignored("a delivery status report without recipients");
    switch (rs->bounce_class) {
      case BounceClass::kNone:
        if (rs->action != "delivered") return ignored("a " + rs->action + " notice");
        if (auto s = mark(store::DeliveryState::kDelivered, "delivered"); !s) return s.error();
        return done("delivered", false, "the recipient's server reported delivery");
      case BounceClass::kHard:
        return hard_bounce(*rs);
      case BounceClass::kSoft:
        return soft_bounce(*rs);
      case BounceClass::kSenderPolicy:
        return sender_policy("sender policy " + status_text(*rs));
    }
    return ignored("unclassified");
  }

  Result<IngestOutcome> feedback(const MailReport& r) {
    if (r.feedback_type == "not-spam") return ignored("a not-spam report");
    if (r.feedback_type == "auth-failure") return sender_policy("authentication failure report");
    auto ev = mail_evidence("spam complaint (ARF " + r.feedback_type + ")",
                            "feedback report about message " + d_.message_id);
    ev.user_agent = r.user_agent.substr(0, 512);
    bool changed = record_feedback(ctx_.committer, org_, FeedbackTarget::of(d_),
                                   consent::Status::kSpamComplaint, ev, ctx_.now);
    bool first = d_.state != store::DeliveryState::kComplained;
    if (first) metrics::process().complaints.at({org_.org.id}).inc();
    if (first) {
      std::string reason = "complaint: " + r.feedback_type;
      if (!r.user_agent.empty()) reason += " (" + r.user_agent.substr(0, 100) + ")";
      if (auto s = mark(store::DeliveryState::kComplained, reason); !s) return s.error();
    }
    if (auto s = check_rates(); !s) return s.error();
    return done("complaint", changed, "the recipient reported the message as " + r.feedback_type);
  }

  Result<IngestOutcome> ignored(std::string why) {
    out_.kind = "ignored";
    out_.detail = std::move(why);
    return out_;
  }

 private:
  Result<IngestOutcome> done(std::string kind, bool changed, std::string detail) {
    out_.kind = std::move(kind);
    out_.status_changed = changed;
    out_.detail = std::move(detail);
    return out_;
  }

  Status mark(std::optional<store::DeliveryState> state, std::string reason) {
    store::DeliveryMark m;
    m.state = state;
    m.reason = std::move(reason);
    m.updated = ctx_.now;
    if (auto s = scope_.mark_delivery(d_.message_id, d_.seq, m); !s) return s;
    if (state) count_delivery(d_.channel, *state);
    return Ok{};
  }

  // true if the status changed.
  Result<bool> make_bouncing(const std::string& method, const std::string& source) {
    return record_hard_bounce(ctx_.store, ctx_.committer, org_, d_, mail_evidence(method, source), ctx_.now);
  }

  Result<IngestOutcome> hard_bounce(const email::RecipientStatus& rs) {
    auto changed =
        make_bouncing("hard bounce " + rs.status, "delivery status report about message " + d_.message_id);
    if (!changed) return changed.error();
    if (auto s = mark(store::DeliveryState::kBounced, "hard bounce " + status_text(rs)); !s) return s.error();
    if (auto s = check_rates(); !s) return s.error();
    return done("hard_bounce", changed.value(), "the address does not accept mail");
  }

  Result<IngestOutcome> soft_bounce(const email::RecipientStatus& rs) {
    store::SoftBounceRow row{d_.channel, d_.contact, d_.message_id, d_.seq, ctx_.now, rs.status};
    if (auto s = scope_.add_soft_bounce(row); !s) return s.error();
    metrics::process().bounces.at({org_.org.id, channel_name(d_.channel), "soft"}).inc();
    // A delayed notice means the relay still tries; a failed one that it gave up.
    std::optional<store::DeliveryState> state;
    if (rs.action == "failed") state = store::DeliveryState::kBounced;
    if (auto s = mark(state, "soft bounce " + status_text(rs)); !s) return s.error();
    auto history = scope_.soft_bounces(d_.channel, d_.contact);
    if (!history) return history.error();
    const auto& h = history.value();
    if (h.size() >= kSoftBounceLimit && h.back().at - h.front().at >= kSoftBounceSpan) {
      auto method =
          fmt::format("{} soft bounces over {} h", h.size(), (h.back().at - h.front().at) / 3'600'000'000);
      auto changed = make_bouncing(method, "delivery status reports, last about message " + d_.message_id);
      if (!changed) return changed.error();
      return done("soft_bounce", changed.value(), method + ": the address is now bouncing");
    }
    return done("soft_bounce", false,
                fmt::format("soft bounce {} of {} counted", h.size(), kSoftBounceLimit));
  }

  Result<IngestOutcome> sender_policy(std::string reason) {
    spdlog::warn("message {}: the receiving side refused our mail on policy: {}", d_.message_id, reason);
    if (auto s = mark(store::DeliveryState::kBounced, reason + "; counted against the sending domain"); !s)
      return s.error();
    return done("sender_policy", false,
                "refused for the sender's authentication or reputation, not the recipient");
  }

  // The message's complaint and unknown-user rates (policy/org_trust.h): past a limit, the organization's
  // bulk email pauses, with the figures.
  Status check_rates() {
    auto tally = scope_.delivery_tally(d_.message_id);
    if (!tally) return tally.error();
    const auto& t = tally.value();
    auto reason = policy::email_pause_reason({t.handed_over, t.complained, t.unknown_user, t.undeliverable},
                                             ctx_.limits, d_.message_id);
    if (!reason) return Ok{};
    ctx_.committer.run_sync([&](store::WriteBatch& b) {
      auto w = b.for_org(org_.org.id);
      std::unique_lock lock(org_.mu);
      Settings s = org_.messaging.settings();
      if (!s.bulk_email_paused) {
        s.bulk_email_paused = true;
        s.bulk_email_paused_reason = *reason;
        s.bulk_email_paused_at = ctx_.now;
        org_.messaging.put_settings(w, std::move(s));
        out_.bulk_email_paused = true;
        spdlog::warn("organization {}: bulk email paused: {}", org_.org.id, *reason);
      }
      return std::function<void()>{};
    });
    return Ok{};
  }

  FeedbackContext& ctx_;
  people::OrgState& org_;
  store::DeliveryRow d_;
  store::OrgScope scope_;
  IngestOutcome out_;
};

IngestOutcome ignore(std::string why) {
  IngestOutcome o;
  o.kind = "ignored";
  o.detail = std::move(why);
  return o;
}

}  // namespace

std::string IngestOutcome::to_json() const {
  JsonOut j;
  j.begin()
      .kv("outcome", kind)
      .kv("detail", detail)
      .kv("delivery", delivery)
      .kv("status_changed", status_changed)
      .kv("bulk_email_paused", bulk_email_paused);
  return j.end().take();
}

Result<IngestOutcome> ingest_mail(FeedbackContext& ctx, std::string_view raw,
                                  std::string_view envelope_recipient) {
  MailReport report = email::parse_mail_report(raw);
  auto ref = find_reference(ctx.tokens, report, envelope_recipient);
  if (!ref) return ignore("names no delivery of ours");
  people::OrgState* org = ctx.owner_of(ref->ref.message_id);
  if (!org) return ignore("message " + ref->ref.message_id + " is unknown");
  auto d = ctx.store.scope(org->org.id).delivery(ref->ref.message_id, ref->ref.seq);
  if (!d) return d.error();
  if (!d.value())
    return ignore("delivery " + ref->ref.message_id + ":" + std::to_string(ref->ref.seq) + " is unknown");
  Ingest in(ctx, *org, std::move(*d.value()));
  if (ref->purpose == email::TokenPurpose::kUnsubscribe) return in.unsubscribe();
  switch (report.kind) {
    case MailReport::Kind::kDeliveryStatus:
      return in.delivery_status(report);
    case MailReport::Kind::kFeedback:
      return in.feedback(report);
    case MailReport::Kind::kNone:
      break;
  }
  return in.ignored("not a delivery status or feedback report");
}

}  // namespace tocsin::messaging
