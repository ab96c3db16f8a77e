#include "messaging/dispatcher.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <deque>
#include <unordered_map>

#include "email/dkim_signer.h"
#include "messaging/audience.h"
#include "messaging/compose.h"
#include "messaging/content_screening.h"
#include "messaging/delivery_metrics.h"
#include "messaging/feedback_status.h"
#include "messaging/mail_content.h"
#include "messaging/processor_disclosures.h"
#include "messaging/retry.h"
#include "messaging/smtp_rejection.h"
#include "messaging/spam_trap_pause.h"

namespace tocsin::messaging {
namespace {

using store::DeliveryRow;
using store::DeliveryState;

// The state a gate verdict gives a delivery: `handing` when it may go, else why not and until when.
void settle(DeliveryRow& r, const policy::Decision& d, Micros now) {
  r.updated = now;
  switch (d.kind) {
    case policy::Kind::kSend:
      r.state = DeliveryState::kHanding;
      r.reason.clear();
      break;
    case policy::Kind::kDeferUntil:
      r.state = DeliveryState::kDeferred;
      r.next_at = d.defer_until.value_or(now + retry_backoff(1));
      r.reason = std::string(policy::reason_name(d.reason));
      break;
    case policy::Kind::kSuppress:
      r.state = DeliveryState::kSuppressed;
      r.reason = std::string(policy::reason_name(d.reason));
      break;
    case policy::Kind::kBlock:
      r.state = DeliveryState::kBlocked;
      r.reason = std::string(policy::reason_name(d.reason));
      // A suspension, bulk-email pause, a lever on the sender (disabled, opt-out-rate pause), a new
      // acceptable-use policy version or a failed DMARC re-check that arrived since the round's pause check:
      // the blast waits (the next round pauses it), the recipient is not written off.
      if (d.reason == policy::Reason::kOrgSuspended || d.reason == policy::Reason::kEvidenceOverdue ||
          d.reason == policy::Reason::kBulkEmailPaused || d.reason == policy::Reason::kSenderDisabled ||
          d.reason == policy::Reason::kDomainDisabled || d.reason == policy::Reason::kSenderOptOutRate ||
          d.reason == policy::Reason::kAcceptableUseNotAccepted ||
          d.reason == policy::Reason::kDmarcMissing || d.reason == policy::Reason::kDmarcMisaligned) {
        r.state = DeliveryState::kDeferred;
        r.next_at = now + kSecond;
      }
      break;
  }
}

bool is_final(DeliveryState s) {
  return s != DeliveryState::kQueued && s != DeliveryState::kDeferred && s != DeliveryState::kHanding;
}

// Deferred deliveries by the instant they are due, then plan order: a min-heap of (next_at, seq), 16 bytes
// a delivery however many a quiet hour holds back.
using Waiting = std::vector<std::pair<Micros, int64_t>>;

void push_waiting(Waiting& w, Micros at, int64_t seq) {
  w.emplace_back(at, seq);
  std::push_heap(w.begin(), w.end(), std::greater<>{});
}

void pop_waiting(Waiting& w) {
  std::pop_heap(w.begin(), w.end(), std::greater<>{});
  w.pop_back();
}

// Why the message's own sender (SMS number or From domain) sends nothing now, or "".
std::string sender_stopped(const MessagingBook& book, const Message& m) {
  if (m.channel == Channel::kSms) {
    auto s = book.senders().find(m.sms_sender);
    if (s == book.senders().end()) return "";
    if (!s->second.disabled_reason.empty()) return "sender_disabled: " + s->second.disabled_reason;
    if (!s->second.blasts_paused_reason.empty())
      return "sender_opt_out_rate: " + s->second.blasts_paused_reason;
    // The organization's undeliverable-rate pause (policy/org_trust.h) stops all of its text blasts.
    if (book.settings().bulk_texts_paused)
      return "bulk_texts_paused: " + book.settings().bulk_texts_paused_reason;
    return "";
  }
  auto d = book.domains().find(lower_ascii(m.sender_domain()));
  if (d == book.domains().end()) return "";
  if (!d->second.disabled_reason.empty()) return "domain_disabled: " + d->second.disabled_reason;
  // A re-verification that found DMARC gone or misaligned: the blast waits until the domain passes again.
  if (auto why = dmarc_shortfall(d->second))
    return (why->misaligned ? "dmarc_misaligned: " : "dmarc_missing: ") + why->detail;
  return "";
}

// Rounds handed to the workers at once per blast: while the workers send one, the dispatcher thread clears
// the next through the gate and marks it, so the relay's connections never wait for the database.
constexpr int kRoundsInFlight = 2;

}  // namespace

struct Dispatcher::Run {
  std::string org_id;
  Message message;
  store::DeliveryPlan plan;  // every recipient; an entry becomes a row when its delivery leaves the plan
  std::deque<int64_t> due;   // seqs, in plan order
  Waiting waiting;           // deferred
  // Pending deliveries that already left the plan (deferred at dispatch, or resumed from their rows), by
  // seq: they keep what their row says (attempts, address).
  std::unordered_map<int64_t, DeliveryRow> rows;
  std::atomic<bool> halted{false};
  bool paused = false;
  // Dispatcher thread only: rounds handed to the workers whose outcomes are not yet recorded, and whether a
  // halt's pending deliveries were already marked stopped.
  int in_flight = 0;
  bool stop_recorded = false;
  std::string stop_reason = "stopped by request";  // set by halt() before `halted`, under mu_
  std::optional<email::DkimSigner> signer;
  MailContent content;  // email: what the message says (tracking as the organization's setting was at start)
  // Email: the composition frames (messaging/compose.h), as tracked per the setting and as untracked (for
  // people who objected to tracking), made once per run after the content and signer are set.
  std::unique_ptr<ComposeFrame> frame, untracked_frame;
  std::string brand;
  policy::BlastScope scope;  // what the blast declares (its purpose, special-category use), fixed at start

  // The row of a pending delivery for a round: its own if it left the plan before, else made from its plan
  // entry (address and contact hash are the person's, filled in under the organization's lock).
  DeliveryRow take(int64_t seq, Micros now) {
    if (auto it = rows.find(seq); it != rows.end()) {
      DeliveryRow r = std::move(it->second);
      rows.erase(it);
      return r;
    }
    auto e = plan[static_cast<size_t>(seq)];
    DeliveryRow r;
    r.message_id = message.id;
    r.seq = seq;
    r.person_id = std::string(e.person_id);
    r.channel = message.channel;
    r.state = DeliveryState::kQueued;
    r.reason = std::string(e.reason);
    r.next_at = e.next_at;
    r.updated = now;
    return r;
  }
};

// One round of one blast: rows cleared (or refused) together, handed over by the workers, and recorded in
// one transaction when the last of them is done.
struct Dispatcher::Round {
  Run* run = nullptr;
  Micros now = 0;
  std::vector<DeliveryRow> rows;
  std::vector<MergeValues> values;
  std::vector<std::optional<policy::OutboundEmail>> emails;  // what the gate is asked at the hand-over
  std::vector<std::optional<policy::OutboundSms>> texts;
  std::vector<char> hard_bounced;  // a 5.1.x at SMTP time: the address becomes bouncing once recorded
  // The person objected to tracking (Person::tracking_objection): their mail goes untracked whatever the
  // organization's setting — read with the merge values, so an objection recorded mid-blast binds the next
  // round.
  std::vector<char> untracked;
  size_t next = 0, done = 0;  // guarded by the dispatcher's mutex
};

Dispatcher::Dispatcher(Deps deps, DispatcherOptions options)
    : deps_(deps),
      options_(std::move(options)),
      links_{deps_.tokens, deps_.delivery_tokens, options_.public_url, options_.mail_domain,
             options_.preferences} {}

Dispatcher::~Dispatcher() {
  stop();
}

void Dispatcher::start() {
  for (int i = 0; i < std::max(1, options_.email_handover_threads); ++i)
    workers_.emplace_back([this] { worker(Channel::kEmail); });
  for (int i = 0; i < std::max(1, options_.sms_handover_threads); ++i)
    workers_.emplace_back([this] { worker(Channel::kSms); });
  thread_ = std::thread([this] { loop(); });
}

void Dispatcher::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  work_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  for (auto& w : workers_) w.join();
  workers_.clear();
}

Result<Plan> Dispatcher::plan_and_store(people::OrgState& org, const Message& m) {
  Micros t0 = now_micros();
  Result<Audience> audience = [&] {
    std::shared_lock lock(org.mu);
    return snapshot_audience(org, m);
  }();
  if (!audience) return audience.error();
  Micros t1 = now_micros();
  Plan plan = plan_message(audience.value(), m, deps_.gate.gate(), t1, true);
  if (!plan.summary.blocked_reason.empty()) return plan;  // the caller refuses; nothing stored
  audience = Audience{};                                  // the plan holds what the run needs
  Micros t2 = now_micros();
  if (auto s = deps_.store.scope(org.org.id).put_plan(m.id, plan.entries); !s) return s.error();
  if (plan.summary.excluded.count("spam_trap")) count_spam_traps(org, m.id);
  spdlog::info("message {}: planned {} recipients (audience {} ms, gate {} ms, stored {} ms)", m.id,
               plan.entries.size(), (t1 - t0) / 1000, (t2 - t1) / 1000, (now_micros() - t2) / 1000);
  return plan;
}

void Dispatcher::begin(const std::string& org_id, const std::string& message_id, PendingBlast blast) {
  auto* org = deps_.directory.find(org_id);
  if (!org) {
    spdlog::warn("message {}: not started: organization {} is not loaded", message_id, org_id);
    return;
  }
  auto run = std::make_unique<Run>();
  run->org_id = org_id;
  {
    std::shared_lock lock(org->mu);
    const Message* m = org->messaging.message(message_id);
    if (!m || (m->status != MessageStatus::kSending && m->status != MessageStatus::kPaused)) {
      spdlog::warn(
          "message {}: not started: {}", message_id,
          m ? "its status is " + std::string(status_name(m->status)) : std::string("no such message"));
      return;
    }
    run->message = *m;
    run->scope = blast_scope(*m, org->org.gdpr_applies);
    run->content = mail_content_of(*org, *m);
    auto view = org->messaging.gate_view();
    run->brand = view ? view->brand_name : org->org.name;
    if (m->channel == Channel::kEmail) {
      auto d = org->messaging.domains().find(m->sender_domain());
      if (d != org->messaging.domains().end()) {
        auto signer = email::DkimSigner::make(d->second.signing_domain(), d->second.selector,
                                              d->second.private_key_pem);
        if (signer)
          run->signer.emplace(std::move(signer).value());
        else
          spdlog::warn("message {}: no DKIM signer for {}: {}", message_id, d->first, signer.error().message);
      }
    } else {
      auto s = org->messaging.senders().find(m->sms_sender);
      if (s != org->messaging.senders().end())
        pacer_.configure(s->first,  // no faster than the SMS provider's profile lets this kind of number
                         {deps_.gate.gate().provider_profile().pace(s->second.type, s->second.mps),
                          s->second.daily_cap, 1});
    }
  }
  if (run->message.channel == Channel::kEmail) {
    const email::DkimSigner* signer = run->signer ? &*run->signer : nullptr;
    run->frame = std::make_unique<ComposeFrame>(links_, run->content, signer, message_id);
    if (run->content.tracking) {
      MailContent untracked = run->content;
      untracked.tracking = false;
      run->untracked_frame = std::make_unique<ComposeFrame>(links_, std::move(untracked), signer, message_id);
    }
  }
  Micros now = now_micros();
  auto schedule = [&](int64_t seq, Micros at) {
    if (at > now)
      push_waiting(run->waiting, at, seq);
    else
      run->due.push_back(seq);
  };
  run->plan = std::move(blast.plan);
  for (size_t i = 0; i < run->plan.size(); ++i) {
    bool left = i < blast.left.size() && blast.left[i];
    auto e = run->plan[i];
    if (!left && e.state == DeliveryState::kQueued) schedule(static_cast<int64_t>(i), e.next_at);
  }
  for (auto& r : blast.rows) {
    if (r.state != DeliveryState::kQueued && r.state != DeliveryState::kDeferred) continue;
    schedule(r.seq, r.next_at);
    run->rows.emplace(r.seq, std::move(r));
  }
  if (!blast.rows.empty()) std::sort(run->due.begin(), run->due.end());
  run->halted = blast.stopped;
  {
    std::lock_guard lock(mu_);
    // The first run wins: the send's and a resumption's come from the same plan, and a run the dispatcher
    // thread or a worker holds must not be freed under it.
    if (!runs_.emplace(message_id, std::move(run)).second) {
      spdlog::info("message {}: already running", message_id);
      return;
    }
  }
  cv_.notify_all();
}

void Dispatcher::halt(const std::string&, const std::string& message_id, const std::string& reason) {
  std::lock_guard lock(mu_);
  auto it = runs_.find(message_id);
  if (it != runs_.end() && !it->second->halted) {
    it->second->stop_reason = reason;
    it->second->halted = true;
  }
  cv_.notify_all();
}

Status Dispatcher::resume() {
  for (auto* org : deps_.directory.all()) {
    std::vector<std::string> ids;
    {
      std::shared_lock lock(org->mu);
      for (const Message* m : org->messaging.messages())
        if (m->status == MessageStatus::kSending || m->status == MessageStatus::kPaused) ids.push_back(m->id);
    }
    for (const auto& id : ids)
      if (auto s = resume_message(org->org.id, id); !s) return s;
  }
  return Ok{};
}

Status Dispatcher::resume_message(const std::string& org_id, const std::string& id) {
  {
    std::lock_guard lock(mu_);
    if (runs_.count(id)) return Ok{};  // running already
  }
  auto scope = deps_.store.scope(org_id);
  // Pending: the plan's queued entries without a row, and the rows still queued or deferred.
  PendingBlast blast;
  auto head = scope.load_plan(id, &blast.plan);
  if (!head) return head.error();
  blast.stopped = head->has_value() && (*head)->stopped;
  blast.left.assign(blast.plan.size(), false);
  std::vector<DeliveryRow> unknown;
  auto s = scope.for_each_delivery(id, [&](const DeliveryRow& r) {
    if (r.seq >= 0 && static_cast<size_t>(r.seq) < blast.left.size()) blast.left[r.seq] = true;
    if (r.state == DeliveryState::kHanding) {
      unknown.push_back(unknown_after_stop(r, now_micros()));
    } else if (!is_final(r.state)) {
      blast.rows.push_back(r);
    }
    return true;
  });
  if (!s) return s;
  if (auto w = scope.put_deliveries(unknown); !w) return w;
  int64_t in_plan = 0;
  for (size_t i = 0; i < blast.plan.size(); ++i)
    in_plan += !blast.left[i] && blast.plan[i].state == DeliveryState::kQueued;
  spdlog::info("resuming message {}: {} pending in the plan, {} pending rows, {} unknown after the stop{}",
               id, in_plan, blast.rows.size(), unknown.size(), blast.stopped ? " (stopping)" : "");
  begin(org_id, id, std::move(blast));
  return Ok{};
}

void Dispatcher::count_spam_traps(people::OrgState& org, const std::string& message_id) {
  if (options_.pause.spam_trap_hits <= 0) return;
  auto c = counts(org.org.id, message_id);
  if (!c) return spdlog::warn("message {}: spam-trap hits not counted: {}", message_id, c.error().message);
  auto hits = c->excluded_by_reason.find("spam_trap");
  if (hits == c->excluded_by_reason.end()) return;
  pause_on_spam_traps(deps_.committer, org, message_id, hits->second, options_.pause, now_micros());
}

Result<DeliveryCounts> Dispatcher::counts(const std::string& org_id, const std::string& message_id) {
  auto groups = deps_.store.scope(org_id).delivery_groups(message_id);
  if (!groups) return groups.error();
  DeliveryCounts c;
  for (const auto& g : groups.value()) {
    c.total += g.count;
    c.by_state[g.state] += g.count;
    if (g.state == DeliveryState::kSuppressed || g.state == DeliveryState::kBlocked)
      c.excluded_by_reason[g.reason] += g.count;
    c.opened += g.opened;
    c.clicked += g.clicked;
    c.unsubscribed += g.unsubscribed;
    c.handed_over += g.handed_over;
  }
  return c;
}

void Dispatcher::set_status(const std::string& org_id, const std::string& message_id, MessageStatus status,
                            const std::string& reason) {
  auto* org = deps_.directory.find(org_id);
  if (!org) return;
  deps_.committer.run_sync([&](store::WriteBatch& batch) {
    std::unique_lock lock(org->mu);
    const Message* current = org->messaging.message(message_id);
    if (!current) return std::function<void()>{};
    Message m = *current;
    m.status = status;
    m.status_reason = reason;
    m.modified = now_micros();
    if (status == MessageStatus::kHeld) m.review_state = "held";  // the reason names the decisive finding
    if (status == MessageStatus::kSent || status == MessageStatus::kStopped) m.sent_end = m.modified;
    auto w = batch.for_org(org_id);
    org->messaging.put_message(w, std::move(m));
    return std::function<void()>{};
  });
}

void Dispatcher::finish(Run& run, MessageStatus status, const std::string& reason) {
  // The last hand-overs' outcomes may still wait in the committer's current group. A status change is
  // visible in memory as soon as its job runs, before its group commits, so without this wait a reader
  // could see `sent` while the statistics (read from the store) still lack those outcomes. An empty job's
  // answer comes once every job queued before it is durable.
  deps_.committer.run_sync([](store::WriteBatch&) { return std::function<void()>{}; });
  // The blast's one disclosure entry: how many recipients the processor was given, counted from the store
  // (so hand-overs made before a restart count too), queued ahead of the status change.
  if (deps_.disclosures) {
    if (auto c = counts(run.org_id, run.message.id))
      deps_.disclosures->blast_handed_over(run.org_id, run.message.id, run.message.channel, c->handed_over);
    else
      spdlog::error("message {}: cannot count its hand-overs for the disclosure log: {}", run.message.id,
                    c.error().message);
  }
  set_status(run.org_id, run.message.id, status, reason);
  spdlog::info("message {} {}", run.message.id, status_name(status));
}

void Dispatcher::check_messages() {
  constexpr Micros kGrace = 5 * kSecond;  // a send's own start (after its commit) comes well before
  Micros now = now_micros();
  for (auto* org : deps_.directory.all()) {
    std::vector<Message> due;
    std::vector<std::string> unattended;
    {
      std::shared_lock lock(org->mu);
      for (const Message* m : org->messaging.messages()) {
        if (m->status == MessageStatus::kScheduled && m->scheduled_at <= now)
          due.push_back(*m);
        else if ((m->status == MessageStatus::kSending || m->status == MessageStatus::kPaused) &&
                 now - std::max(m->sent_start, m->modified) > kGrace)
          unattended.push_back(m->id);
      }
    }
    for (const auto& m : due) start_scheduled(*org, m);
    adopt_orphans(*org, unattended);
  }
}

void Dispatcher::start_scheduled(people::OrgState& org, const Message& m) {
  auto plan = plan_and_store(org, m);
  if (!plan || !plan->summary.blocked_reason.empty()) {
    std::string why = plan ? plan->summary.blocked_sentence : plan.error().message;
    spdlog::warn("scheduled message {} cannot start: {}", m.id, why);
    // Held content waits for the platform operator's review (`tocsin review`), as a sent one does.
    bool held = plan && plan->summary.blocked_reason == policy::reason_name(policy::Reason::kContentHeld);
    set_status(org.org.id, m.id, held ? MessageStatus::kHeld : MessageStatus::kPaused, why);
    return;
  }
  deps_.committer.run_sync([&](store::WriteBatch& batch) {
    std::unique_lock lock(org.mu);
    Message next = *org.messaging.message(m.id);
    next.status = MessageStatus::kSending;
    next.sent_start = now_micros();
    next.total_targeted = plan->summary.targeted;
    next.special_category_used = plan->summary.special_category_used;
    auto w = batch.for_org(org.org.id);
    if (!next.special_category_used.empty()) {  // the use of special-category data, as a send records it
      store::AccessEntry use;
      use.at = next.sent_start;
      use.actor = "scheduler";
      use.action = std::string(kSpecialCategoryUseAction);
      use.query = special_category_use_query(m.id, next.special_category_used);
      use.count = plan->summary.targeted;
      w.add(store::op::AppendAccess{std::move(use)});
    }
    org.messaging.put_message(w, std::move(next));
    return std::function<void()>{};
  });
  begin(org.org.id, m.id, PendingBlast{std::move(plan->entries), {}, {}, false});
}

void Dispatcher::adopt_orphans(people::OrgState& org, const std::vector<std::string>& ids) {
  for (const auto& id : ids) {
    {
      std::lock_guard lock(mu_);
      if (runs_.count(id)) continue;
    }
    spdlog::warn("message {} was sending without a run in this process; resuming it from the store", id);
    if (auto s = resume_message(org.org.id, id); !s)
      spdlog::error("cannot resume message {}: {}", id, s.error().message);
  }
}

void Dispatcher::loop() {
  Micros last_schedule_check = 0;
  for (;;) {
    std::vector<std::shared_ptr<Round>> finished;
    std::vector<Run*> runs;
    bool stopping;
    {
      std::lock_guard lock(mu_);
      finished.swap(finished_);
      stopping = stopping_;
      for (auto& [id, r] : runs_) runs.push_back(r.get());
    }
    for (auto& f : finished) record_outcomes(*f);
    if (stopping) {
      // The workers finish the rounds they hold; their outcomes are recorded before the process stops.
      int in_flight = 0;
      for (Run* r : runs) in_flight += r->in_flight;
      if (in_flight == 0) return;
      std::unique_lock lock(mu_);
      cv_.wait_for(lock, std::chrono::milliseconds(50), [&] { return !finished_.empty(); });
      continue;
    }
    if (now_micros() - last_schedule_check >= kSecond) {
      last_schedule_check = now_micros();
      check_messages();
    }
    bool worked = !finished.empty();
    for (Run* r : runs) {
      bool done = false;
      if (r->halted) {
        if (!r->stop_recorded) {
          // Those still in the plan are stopped by one mark on it; those that left it get their row.
          std::vector<DeliveryRow> stopped;
          for (auto& [seq, d] : r->rows) stopped.push_back(std::move(d));
          r->rows.clear();
          r->due.clear();
          r->waiting.clear();
          for (auto& d : stopped) {
            d.state = DeliveryState::kStopped;
            d.reason = "the blast was stopped";
            d.updated = now_micros();
          }
          auto scope = deps_.store.scope(r->org_id);
          if (auto s = scope.stop_plan(r->message.id); !s)
            spdlog::error("cannot record the stop of message {}: {}", r->message.id, s.error().message);
          if (auto s = scope.put_deliveries(stopped); !s)
            spdlog::error("cannot record stopped deliveries: {}", s.error().message);
          r->stop_recorded = true;
        }
        if (r->in_flight == 0) {
          std::string why;
          {
            std::lock_guard lock(mu_);
            why = r->stop_reason;
          }
          finish(*r, MessageStatus::kStopped, why);
          done = true;
        }
      } else {
        while (r->in_flight < kRoundsInFlight && prepare_round(*r)) worked = true;
        if (r->due.empty() && r->waiting.empty() && r->in_flight == 0) {
          finish(*r, MessageStatus::kSent, "");
          done = true;
        }
      }
      if (done) {
        std::lock_guard lock(mu_);
        runs_.erase(r->message.id);
      }
    }
    if (!worked) {
      std::unique_lock lock(mu_);
      cv_.wait_for(lock, std::chrono::milliseconds(100), [&] { return stopping_ || !finished_.empty(); });
    }
  }
}

void Dispatcher::worker(Channel channel) {
  auto& queue = handover_queue_[static_cast<int>(channel)];
  std::unique_lock lock(mu_);
  for (;;) {
    work_cv_.wait(lock, [&] { return stopping_ || !queue.empty(); });
    if (queue.empty()) return;  // stopping, and every queued delivery of this channel is taken
    std::shared_ptr<Round> round = queue.front();
    size_t i = round->next++;
    if (round->next == round->rows.size()) queue.pop_front();
    lock.unlock();
    hand_over(*round, i);
    lock.lock();
    if (++round->done == round->rows.size()) {
      finished_.push_back(std::move(round));
      cv_.notify_all();
    }
  }
}

bool Dispatcher::prepare_round(Run& run) {
  auto* org = deps_.directory.find(run.org_id);
  if (!org) return false;
  const Message& m = run.message;
  Micros now = now_micros();
  // Paused while a staff member paused it, the organization is suspended, its bulk email is paused, the
  // platform operator or the opt-out-rate breaker stopped the message's sender, or the organization has not
  // accepted the platform's current acceptable-use policy; nothing is marked.
  {
    std::shared_lock lock(org->mu);
    const auto& s = org->messaging.settings();
    const Message* latest = org->messaging.message(m.id);  // the run's copy predates a pause
    std::string why = latest && !latest->paused_by.empty() ? "paused by " + latest->paused_by
                      : s.suspended                        ? "organization suspended: " + s.suspended_reason
                      : !s.evidence_overdue.empty()        ? "evidence_overdue: " + s.evidence_overdue
                      : (m.channel == Channel::kEmail && s.bulk_email_paused)
                          ? "bulk email paused: " + s.bulk_email_paused_reason
                          : sender_stopped(org->messaging, m);
    if (why.empty())
      if (auto aup = deps_.gate.gate().acceptable_use_unmet(*org->messaging.gate_view()))
        why = "acceptable_use_not_accepted: " + *aup;
    if (!why.empty() || (m.channel == Channel::kEmail ? !deps_.email : !deps_.sms)) {
      if (why.empty()) why = "no transport is configured for this channel";
      if (!run.paused) {
        lock.unlock();
        run.paused = true;
        set_status(run.org_id, m.id, MessageStatus::kPaused, why);
      }
      return false;
    }
  }
  if (run.paused) {
    run.paused = false;
    set_status(run.org_id, m.id, MessageStatus::kSending, "");
  }
  while (!run.waiting.empty() && run.waiting.front().first <= now) {
    run.due.push_back(run.waiting.front().second);
    pop_waiting(run.waiting);
  }
  if (run.due.empty()) return false;

  // A round of texts is one second of the sender's rate, so no text waits long between gate and gateway.
  size_t n = m.channel == Channel::kEmail ? static_cast<size_t>(options_.email_round) : 1;
  if (m.channel == Channel::kSms) {
    auto s = org->messaging.senders().find(m.sms_sender);
    if (s != org->messaging.senders().end())
      n = std::max<size_t>(
          1, static_cast<size_t>(deps_.gate.gate().provider_profile().pace(s->second.type, s->second.mps)));
  }
  n = std::min(n, run.due.size());
  std::vector<DeliveryRow> rows;
  rows.reserve(n);
  for (size_t i = 0; i < n; ++i) rows.push_back(run.take(run.due[i], now));
  run.due.erase(run.due.begin(), run.due.begin() + static_cast<long>(n));

  // What the renderer and the gate need of each person, read once under the lock; a delivery leaving the
  // plan takes the person's address on the channel (and its keyed hash) now.
  std::vector<std::optional<std::string>> zips(n);
  std::vector<MergeValues> values(n);
  std::vector<char> untracked(n, 0);
  {
    std::shared_lock lock(org->mu);
    for (size_t i = 0; i < n; ++i)
      if (const Person* p = org->find_person(rows[i].person_id)) {
        zips[i] = zip_of(*p);
        values[i] = merge_values(*p);
        untracked[i] = p->tracking_objection != 0;
        if (rows[i].address.empty()) {
          const auto& address = m.channel == Channel::kEmail ? p->email : p->phone;
          if (address && !address->empty()) {
            rows[i].address = *address;
            rows[i].contact = org->hasher->hash(m.channel, *address);
          }
        }
      } else if (!rows[i].person_id.empty()) {
        rows[i].address.clear();  // erased since the row was read: its address must not be written back
      }
  }

  // The gate's side-effect-free verdict decides what is marked `handing`; the binding one (gate.dispatch,
  // which also records the send for the frequency caps) is asked by the worker right before the transport,
  // so an opt-out acknowledged while this round waits for a worker still wins.
  std::vector<std::optional<policy::OutboundEmail>> emails(n);
  std::vector<std::optional<policy::OutboundSms>> texts(n);
  std::vector<DeliveryRow> marks;
  std::string from_domain = m.sender_domain();
  auto content = email_content(m);
  auto& gate = deps_.gate.gate();
  for (size_t i = 0; i < n; ++i) {
    auto& r = rows[i];
    if (r.address.empty()) {  // erased, or no longer has an address on the channel: nobody to ask about
      r.state = DeliveryState::kSuppressed;
      r.reason = std::string(m.channel == Channel::kEmail ? kNoEmailAddress : kNoPhoneNumber);
      r.updated = now;
      marks.push_back(r);
      continue;
    }
    policy::Recipient to{r.address, r.contact, zips[i]};
    policy::Decision d;
    if (m.channel == Channel::kEmail) {
      emails[i] = policy::OutboundEmail{
          run.org_id, to, policy::MessageKind::kBlast, from_domain, content, run.scope, m.total_targeted};
      d = gate.plan(*emails[i]);
    } else {
      bool first = !deps_.gate.sends().ever_sent(run.org_id, Channel::kSms, r.contact);
      std::string body = render_sms(m.body, run.brand, first, values[i]);
      texts[i] =
          policy::OutboundSms{run.org_id,   to,   policy::MessageKind::kBlast, m.marketing, m.total_targeted,
                              m.sms_sender, body, m.review_approved(),         run.scope};
      d = gate.plan(*texts[i]);
    }
    settle(r, d, now);
    // A cleared delivery stays where it is (in the plan, or its pending row) until a worker takes it to the
    // transport: its `handing` mark is written then (hand_over), so a crash leaves unknown only what was at
    // the transport.
    if (r.state != DeliveryState::kHanding) marks.push_back(r);
  }
  auto scope = deps_.store.scope(run.org_id);
  if (auto s = scope.put_deliveries(marks); !s) {
    spdlog::error("message {}: cannot record a round's marks, pausing: {}", m.id, s.error().message);
    for (auto it = rows.rbegin(); it != rows.rend(); ++it) {  // nothing was handed over: back to the front
      run.due.push_front(it->seq);
      run.rows[it->seq] = std::move(*it);
    }
    return false;
  }
  count_deliveries(marks);
  for (const auto& mark : marks)
    if (mark.reason == "spam_trap") {
      if (auto* org = deps_.directory.find(run.org_id)) count_spam_traps(*org, m.id);
      break;
    }

  auto round = std::make_shared<Round>();
  round->run = &run;
  round->now = now;
  round->rows = std::move(rows);
  round->values = std::move(values);
  round->untracked = std::move(untracked);
  round->emails = std::move(emails);
  round->texts = std::move(texts);
  round->hard_bounced.assign(round->rows.size(), 0);
  ++run.in_flight;
  {
    std::lock_guard lock(mu_);
    handover_queue_[static_cast<int>(m.channel)].push_back(std::move(round));
  }
  work_cv_.notify_all();
  return true;
}

void Dispatcher::mark_handing(const Run& run, const DeliveryRow& r) {
  DeliveryRow mark = r;
  mark.state = DeliveryState::kHanding;
  mark.updated = now_micros();
  deps_.committer.run_sync([&](store::WriteBatch& b) {
    b.for_org(run.org_id).add(store::op::PutDelivery{std::move(mark)});
    return std::function<void()>{};
  });
}

void Dispatcher::record_handover(const Run& run, const DeliveryRow& r) {
  count_delivery(r.channel, r.state);
  deps_.committer.submit([org_id = run.org_id, row = r](store::WriteBatch& b) mutable {
    b.for_org(org_id).add(store::op::PutDelivery{std::move(row)});
    return std::function<void()>{};
  });
}

void Dispatcher::hand_over(Round& round, size_t i) {
  Run& run = *round.run;
  const Message& m = run.message;
  Micros now = round.now;
  auto& r = round.rows[i];
  if (r.state != DeliveryState::kHanding) return;
  // The outcome is recorded once, through the committer: by the relay's `answered` hook while it still holds
  // the session (so the session's next hand-over is marked after it), else right here.
  bool recorded = false;
  auto settle_and_record = [&](Outcome outcome, const std::string& detail) {
    if (recorded) return;
    apply_outcome(round, i, outcome, detail);
    record_handover(run, r);
    recorded = true;
  };
  if (m.channel == Channel::kEmail) {
    // A person who objected to tracking gets the message as written: no pixel, the original links (the
    // untracked frame, made at start when tracking is on).
    const ComposeFrame& frame = round.untracked[i] && run.untracked_frame ? *run.untracked_frame : *run.frame;
    auto composed = frame.compose(run.org_id, r.person_id, r.address, {m.id, r.seq}, round.values[i], now);
    if (!composed) return settle_and_record(Outcome::kFail, composed.error().message);
    auto cleared = deps_.gate.gate().dispatch(*round.emails[i]);
    if (!cleared.cleared) {
      settle(r, cleared.decision, now_micros());
      return record_handover(run, r);
    }
    // The relay takes the last look once it holds a pacing slot and a session, right before MAIL FROM: the
    // durable `handing` mark, then the opt-out fence's look (messaging/opt_out_fence.h).
    email::HandoverHooks hooks{
        [&]() -> std::optional<std::string> {
          mark_handing(run, r);
          return std::nullopt;
        },
        [&](const email::Handover& h) { settle_and_record(email_outcome(h), h.detail); }};
    auto h = deps_.email->send(*cleared.cleared, composed->envelope_from, composed->data, hooks);
    return settle_and_record(email_outcome(h), h.detail);
  }
  auto grant = pacer_.acquire(m.sms_sender);
  if (grant.kind != sms::Pacer::Grant::Kind::kGo) {
    r.next_at = grant.kind == sms::Pacer::Grant::Kind::kDailyCap ? grant.at : now + retry_backoff(1);
    return settle_and_record(Outcome::kRetry, grant.kind == sms::Pacer::Grant::Kind::kDailyCap
                                                  ? "sender's daily cap reached"
                                                  : "sender not configured");
  }
  auto cleared = deps_.gate.gate().dispatch(*round.texts[i]);
  if (!cleared.cleared) {
    settle(r, cleared.decision, now_micros());
    return record_handover(run, r);
  }
  mark_handing(run, r);  // SMS drivers do not wait on their own: the fence's look and the request follow
  auto h = deps_.sms->send(*cleared.cleared, m.id + ":" + std::to_string(r.seq));
  r.gateway_id = h.gateway_id;
  using O = sms::SmsHandover::Outcome;
  // The opt-out-rate breaker's denominator: texts the gateway took from this sender.
  if (h.outcome == O::kAccepted) deps_.gate.opt_outs().record_text(run.org_id, m.sms_sender, now_micros());
  settle_and_record(h.outcome == O::kAccepted   ? Outcome::kOk
                    : h.outcome == O::kRejected ? Outcome::kFail
                    : h.outcome == O::kWithheld ? Outcome::kWithheld
                                                : Outcome::kRetry,
                    h.detail);
}

Dispatcher::Outcome Dispatcher::email_outcome(const email::Handover& h) {
  using O = email::Handover::Outcome;
  switch (h.outcome) {
    case O::kAccepted:
      return Outcome::kOk;
    case O::kDeferred:
      return Outcome::kRetry;
    case O::kWithheld:
      return Outcome::kWithheld;
    case O::kRejected:
      return Outcome::kSmtpRejected;
  }
  return Outcome::kFail;
}

void Dispatcher::apply_outcome(Round& round, size_t i, Outcome outcome, const std::string& detail) {
  auto& r = round.rows[i];
  Micros at = now_micros();
  r.updated = at;
  if (outcome == Outcome::kWithheld) {  // opted out since the gate cleared it: refused at the hand-over
    r.state = DeliveryState::kSuppressed;
    r.reason = detail;
  } else if (outcome == Outcome::kOk) {
    r.state = DeliveryState::kHandedOver;
    r.handed_at = at;
    r.reason.clear();
  } else if (outcome == Outcome::kRetry && r.attempts + 1 < kMaxAttempts) {
    ++r.attempts;
    r.state = DeliveryState::kDeferred;
    if (r.next_at <= round.now) r.next_at = at + retry_backoff(r.attempts);
    r.reason = detail;
  } else if (outcome == Outcome::kSmtpRejected) {
    SmtpRejection rejection = classify_rejection(detail);
    r.state = rejection.state;
    r.reason = rejection.reason;
    round.hard_bounced[i] = rejection.recipient_bouncing;
  } else {
    r.state = DeliveryState::kFailed;
    r.reason = detail;
  }
}

void Dispatcher::record_outcomes(Round& round) {
  Run& run = *round.run;
  --run.in_flight;
  // Every delivery's outcome is recorded already: refusals with the round's marks, each hand-over's as it
  // happened (hand_over). What is left: deferred ones wait for their next turn, or are stopped by a halt.
  std::vector<DeliveryRow> stopped;
  for (size_t i = 0; i < round.rows.size(); ++i) {
    auto& r = round.rows[i];
    if (r.state != DeliveryState::kDeferred) continue;
    if (run.halted) {
      r.state = DeliveryState::kStopped;
      r.reason = "the blast was stopped";
      stopped.push_back(r);
      count_delivery(r.channel, r.state);
    } else {
      push_waiting(run.waiting, r.next_at, r.seq);
      run.rows[r.seq] = r;
    }
  }
  if (!stopped.empty())  // after the hand-overs' own records, which went through the committer too
    deps_.committer.submit([org_id = run.org_id, stopped = std::move(stopped)](store::WriteBatch& b) mutable {
      auto w = b.for_org(org_id);
      for (auto& r : stopped) w.add(store::op::PutDelivery{std::move(r)});
      return std::function<void()>{};
    });
  auto* org = deps_.directory.find(run.org_id);
  for (size_t i = 0; org && i < round.rows.size(); ++i) {
    if (!round.hard_bounced[i]) continue;
    consent::Evidence ev;
    ev.actor = "mail";
    ev.method = "hard bounce at SMTP time";
    ev.source = "SMTP reply about message " + run.message.id + ": " + round.rows[i].reason;
    if (auto b = record_hard_bounce(deps_.store, deps_.committer, *org, round.rows[i], ev, now_micros()); !b)
      spdlog::error("message {}: cannot record a hard bounce: {}", run.message.id, b.error().message);
  }
}

}  // namespace tocsin::messaging
