// Autoresponder: sends the autoresponse (messaging/autoresponse.h) of an action to a person who took it
// through a record helper with triggers.autoresponse.enabled — through the one gate and the configured
// EmailTransport, like a blast's deliveries, one at a time on its own thread.
//
// The gate: policy::MessageKind::kOneOff — the same email rules as a blast (organization, suppressions,
// subscription status, verified sender domain, postal address for the footer) except the frequency cap and
// the bulk-email pause, which concern bulk mail (docs/POLICY.md). So an address that unsubscribed from
// everything, is suppressed or bounces gets nothing, and the delivery row says why.
//
// Durable, and never twice: the autoresponse to a record is the delivery (record id, seq 0) — one per
// record, however often the person repeats the action (dedup kinds update the same record). request() only
// queues it in memory after the record's commit; the worker writes the row `queued` unless a row exists,
// then asks the gate (a refusal is written with its reason code), writes `handing`, composes
// (messaging/compose.h: footer, unsubscribe links, VERP bounce address), hands it over and writes the
// outcome; a 4xx or a connection failure waits and retries (as blasts do), a 5xx is read as
// messaging/smtp_rejection.h says. At start resume() finds what the stop interrupted: records of the last
// 24 hours that asked for an autoresponse their action has and have no row yet, rows still `queued` or
// `deferred`; a row left `handing` becomes `unknown` and is not sent again.
// Thread-safe: request() may be called from any thread.
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>

#include "messaging/compose.h"
#include "messaging/dispatcher.h"

namespace tocsin::messaging {

class Autoresponder {
 public:
  // The dispatcher's dependencies (its SMS transport is not used); a null email transport leaves requests
  // queued in their rows until a restart with one.
  Autoresponder(Dispatcher::Deps deps, MailLinks links);
  ~Autoresponder();
  Autoresponder(const Autoresponder&) = delete;
  Autoresponder& operator=(const Autoresponder&) = delete;

  Status resume();
  void start();
  void stop();

  // After the commit of record `record_id` of `org_id`, whose request asked for an autoresponse. Does
  // nothing when the record's action has none.
  void request(const std::string& org_id, const std::string& record_id);

 private:
  struct Job {
    std::string org_id, record_id;
    Micros due = 0;
  };
  void loop(std::stop_token stop);
  // Works on one job; a deferral puts it back with a later `due`.
  void work(Job job);

  Dispatcher::Deps deps_;
  MailLinks links_;
  std::mutex mu_;
  std::condition_variable_any cv_;
  std::deque<Job> jobs_;
  std::jthread thread_;
};

}  // namespace tocsin::messaging
