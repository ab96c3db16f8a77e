#include "messaging/autoresponder.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "actions/action_type.h"
#include "email/dkim_signer.h"
#include "messaging/autoresponse.h"
#include "messaging/feedback_status.h"
#include "messaging/planner.h"
#include "messaging/processor_disclosures.h"
#include "messaging/retry.h"
#include "messaging/smtp_rejection.h"

namespace tocsin::messaging {
namespace {

using store::DeliveryRow;
using store::DeliveryState;

// A thank-you that comes a day late is no thank-you: resume() leaves older unqueued requests alone.
constexpr Micros kResumeWindow = int64_t{24} * 3600 * kSecond;

bool pending(DeliveryState s) {
  return s == DeliveryState::kQueued || s == DeliveryState::kDeferred;
}

// What one autoresponse needs from the organization's state, read once under its lock.
struct Snapshot {
  Autoresponse response;
  std::string person_id, address;
  std::optional<std::string> zip;
  MergeValues values;
  MailContent content;
  std::optional<email::DkimSigner> signer;
};

std::optional<Snapshot> snapshot(const people::OrgState& org, const std::string& record_id) {
  std::shared_lock lock(org.mu);
  const auto* record = org.actions.find_record(record_id);
  if (!record || !record->autoresponse_requested) return std::nullopt;
  const auto* action = org.actions.find_action(record->action_id);
  auto response = action ? autoresponse_of(*action) : std::nullopt;
  if (!response) return std::nullopt;
  Snapshot s{*response, record->person_id, {}, std::nullopt, {}, {}, std::nullopt};
  if (const Person* p = org.find_person(record->person_id)) {
    s.address = p->email.value_or("");
    s.zip = zip_of(*p);
    s.values = merge_values(*p);
  }
  MailContent& c = s.content;
  c.subject = response->subject;
  c.body_html = response->body;
  c.from_address = response->from_address;
  c.from_name = response->from;
  c.reply_to = response->reply_to;
  c.postal_address = org.messaging.settings().postal_address;
  auto d = org.messaging.domains().find(response->from_domain());
  if (d != org.messaging.domains().end())
    if (auto signer = email::DkimSigner::make(d->second.signing_domain(), d->second.selector,
                                              d->second.private_key_pem))
      s.signer.emplace(std::move(signer).value());
  return s;
}

}  // namespace

Autoresponder::Autoresponder(Dispatcher::Deps deps, MailLinks links)
    : deps_(deps), links_(std::move(links)) {}

Autoresponder::~Autoresponder() {
  stop();
}

void Autoresponder::start() {
  thread_ = std::jthread([this](std::stop_token stop) { loop(stop); });
}

void Autoresponder::stop() {
  if (!thread_.joinable()) return;
  thread_.request_stop();  // wakes the wait in loop()
  thread_.join();
}

void Autoresponder::request(const std::string& org_id, const std::string& record_id) {
  {
    std::lock_guard lock(mu_);
    jobs_.push_back({org_id, record_id, 0});
  }
  cv_.notify_all();
}

Status Autoresponder::resume() {
  Micros since = now_micros() - kResumeWindow;
  for (auto* org : deps_.directory.all()) {
    std::vector<std::string> asked;  // records that asked for an autoresponse their action has
    {
      std::shared_lock lock(org->mu);
      for (const auto& type : actions::action_types())
        for (const auto& action_id : org->actions.actions_of_kind(std::string(type.collection))) {
          const auto* action = org->actions.find_action(action_id);
          if (!action || !autoresponse_of(*action)) continue;
          for (const auto& id : org->actions.records_of_action(action_id))
            if (const auto* r = org->actions.find_record(id); r && r->autoresponse_requested)
              asked.push_back(id);
        }
    }
    auto scope = deps_.store.scope(org->org.id);
    for (const auto& id : asked) {
      auto row = scope.delivery(id, 0);
      if (!row) return row.error();
      if (!row.value()) {
        std::shared_lock lock(org->mu);
        const auto* r = org->actions.find_record(id);
        if (!r || r->modified < since) continue;
      } else if (row.value()->state == DeliveryState::kHanding) {
        if (auto s = scope.put_deliveries({unknown_after_stop(*row.value(), now_micros())}); !s) return s;
        continue;
      } else if (!pending(row.value()->state)) {
        continue;
      }
      request(org->org.id, id);
    }
  }
  return Ok{};
}

void Autoresponder::loop(std::stop_token stop) {
  std::unique_lock lock(mu_);
  while (!stop.stop_requested()) {
    Micros now = now_micros();
    auto is_due = [](Micros at) { return [at](const Job& j) { return j.due <= at; }; };
    auto due = std::find_if(jobs_.begin(), jobs_.end(), is_due(now));
    if (due == jobs_.end()) {
      // A request() wakes the wait; deferred jobs come due within the bound.
      cv_.wait_for(lock, stop, std::chrono::milliseconds(200),
                   [&] { return std::any_of(jobs_.begin(), jobs_.end(), is_due(now_micros())); });
      continue;
    }
    Job job = std::move(*due);
    jobs_.erase(due);
    lock.unlock();
    work(std::move(job));
    lock.lock();
  }
}

void Autoresponder::work(Job job) {
  auto* org = deps_.directory.find(job.org_id);
  if (!org) return;
  auto snap = snapshot(*org, job.record_id);
  if (!snap) return;
  auto scope = deps_.store.scope(job.org_id);
  auto retry_later = [&](Micros at) {
    std::lock_guard lock(mu_);
    jobs_.push_back({job.org_id, job.record_id, at});
  };
  auto existing = scope.delivery(job.record_id, 0);
  if (!existing) {
    spdlog::error("autoresponse to record {}: {}", job.record_id, existing.error().message);
    return retry_later(now_micros() + 60 * kSecond);
  }
  Micros now = now_micros();
  DeliveryRow r;
  if (existing.value()) {
    r = *existing.value();
    if (!pending(r.state)) return;  // sent, refused or unknown already: never twice
  } else {
    r.message_id = job.record_id;
    r.seq = 0;
    r.person_id = snap->person_id;
    r.channel = Channel::kEmail;
    r.address = snap->address;
    if (!r.address.empty()) r.contact = org->hasher->hash(Channel::kEmail, r.address);
    r.state = DeliveryState::kQueued;
    r.next_at = now;
  }
  r.updated = now;
  if (r.address.empty()) {
    r.state = DeliveryState::kSuppressed;
    r.reason = std::string(kNoEmailAddress);
  } else if (!deps_.email) {
    r.reason = "no email transport is configured";  // stays queued for a restart with one
  } else {
    policy::Recipient to{r.address, r.contact, snap->zip};
    auto out = deps_.gate.gate().dispatch(
        policy::OutboundEmail{job.org_id, to, policy::MessageKind::kOneOff, snap->response.from_domain(),
                              std::make_shared<const policy::EmailContent>(policy::EmailContent{
                                  snap->response.from, snap->response.subject, snap->response.body, false})});
    const policy::Decision& d = out.decision;
    r.reason = d.sends() ? std::string() : std::string(policy::reason_name(d.reason));
    switch (d.kind) {
      case policy::Kind::kSend:
        r.state = DeliveryState::kHanding;
        break;
      case policy::Kind::kDeferUntil:
        r.state = DeliveryState::kDeferred;
        r.next_at = d.defer_until.value_or(now + 60 * kSecond);
        break;
      case policy::Kind::kSuppress:
        r.state = DeliveryState::kSuppressed;
        break;
      case policy::Kind::kBlock:
        r.state = DeliveryState::kBlocked;
        break;
    }
    if (!d.sends())
      spdlog::info("autoresponse to record {} not sent: {} ({})", job.record_id, r.reason, d.sentence);
    if (auto s = scope.put_deliveries({r}); !s) {
      spdlog::error("autoresponse to record {}: {}", job.record_id, s.error().message);
      return retry_later(now + 60 * kSecond);
    }
    if (r.state == DeliveryState::kDeferred) return retry_later(r.next_at);
    if (r.state != DeliveryState::kHanding) return;

    auto composed = compose_email(links_, snap->content, snap->signer ? &*snap->signer : nullptr, job.org_id,
                                  r.person_id, r.address, {r.message_id, r.seq}, snap->values, now);
    email::Handover h{email::Handover::Outcome::kRejected, 0, composed ? "" : composed.error().message};
    if (composed) h = deps_.email->send(*out.cleared, composed->envelope_from, composed->data);
    Micros at = now_micros();
    r.updated = at;
    bool bouncing = false;
    if (h.outcome == email::Handover::Outcome::kWithheld) {  // opted out since the gate cleared it
      r.state = DeliveryState::kSuppressed;
      r.reason = h.detail;
    } else if (h.outcome == email::Handover::Outcome::kAccepted) {
      r.state = DeliveryState::kHandedOver;
      r.handed_at = at;
      r.reason.clear();
      if (deps_.disclosures)
        deps_.disclosures->one_off(job.org_id, Channel::kEmail, r.person_id, "autoresponse");
    } else if (h.outcome == email::Handover::Outcome::kDeferred && r.attempts + 1 < kMaxAttempts) {
      ++r.attempts;
      r.state = DeliveryState::kDeferred;
      r.next_at = at + retry_backoff(r.attempts);
      r.reason = h.detail;
    } else if (composed && h.outcome == email::Handover::Outcome::kRejected) {
      SmtpRejection rejection = classify_rejection(h.detail);
      r.state = rejection.state;
      r.reason = rejection.reason;
      bouncing = rejection.recipient_bouncing;
    } else {
      r.state = DeliveryState::kFailed;
      r.reason = h.detail;
    }
    if (bouncing) {
      consent::Evidence ev;
      ev.actor = "mail";
      ev.method = "hard bounce at SMTP time";
      ev.source = "SMTP reply about the autoresponse to record " + r.message_id + ": " + r.reason;
      if (auto b = record_hard_bounce(deps_.store, deps_.committer, *org, r, ev, at); !b)
        spdlog::error("autoresponse to record {}: cannot record a hard bounce: {}", r.message_id,
                      b.error().message);
    }
    if (r.state == DeliveryState::kDeferred) retry_later(r.next_at);
  }
  if (auto s = scope.put_deliveries({r}); !s)
    spdlog::error("autoresponse to record {}: cannot record the outcome: {}", job.record_id,
                  s.error().message);
}

}  // namespace tocsin::messaging
