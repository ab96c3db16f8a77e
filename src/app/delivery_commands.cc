#include "app/delivery_commands.h"

#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "app/command_exit.h"
#include "app/installation.h"
#include "core/clock.h"
#include "core/ids.h"
#include "core/json_out.h"
#include "messaging/message.h"

namespace tocsin {
namespace {

inline constexpr std::string_view kResendKind = "delivery_resend";

struct Args {
  std::string dir, org_id, message_id, by;
  bool resend = false;
};

void run_unknown(const Args& a) {
  if (a.resend && a.by.empty())
    fail_command("tocsin deliveries",
                 bad_request("--resend needs --by NAME: who asks for it (kept in the audit)"));
  auto inst = Installation::open(a.dir, false);
  if (!inst) fail_command("tocsin deliveries", inst.error());
  store::Store& st = *inst->store;
  auto doc = st.org_doc(a.org_id, messaging::kMessageKind, a.message_id);
  if (!doc) fail_command("tocsin deliveries", doc.error());
  if (!doc.value())
    fail_command("tocsin deliveries",
                 not_found("organization " + a.org_id + " has no message " + a.message_id));
  auto message = messaging::decode_message(doc.value()->doc);
  if (!message) fail_command("tocsin deliveries", message.error());

  auto scope = st.scope(a.org_id);
  std::vector<store::DeliveryRow> unknown;
  auto s = scope.for_each_delivery(a.message_id, [&](const store::DeliveryRow& r) {
    if (r.state == store::DeliveryState::kUnknown) unknown.push_back(r);
    return true;
  });
  if (!s) fail_command("tocsin deliveries", s.error());
  for (const auto& r : unknown) {
    JsonOut j;
    j.begin()
        .kv("seq", r.seq)
        .kv("person_id", r.person_id)
        .kv("address", r.address)
        .kv("since", format_iso8601(r.updated))
        .end();
    std::cout << j.take() << "\n";
  }
  if (!a.resend) {
    JsonOut j;
    j.begin().kv("message_id", a.message_id).kv("unknown", static_cast<int64_t>(unknown.size())).end();
    std::cout << j.take() << "\n";
    finish_command(0);
  }

  using messaging::MessageStatus;
  MessageStatus status = message->status;
  if (status == MessageStatus::kSending || status == MessageStatus::kPaused ||
      status == MessageStatus::kScheduled || status == MessageStatus::kDraft)
    fail_command("tocsin deliveries", bad_request("message " + a.message_id + " is " +
                                                  std::string(messaging::status_name(status)) +
                                                  ": resend its unknown deliveries once it has finished"));
  if (unknown.empty()) {
    std::cout << "{\"message_id\": \"" << a.message_id << "\", \"resent\": 0}\n";
    finish_command(0);
  }

  // 1. The audit first: a resend that happened is always on record (one that failed after it says so too).
  Micros now = now_micros();
  JsonOut audit;
  audit.begin()
      .kv("message_id", a.message_id)
      .kv("by", a.by)
      .kv("os_user", os_user())
      .kv("at", format_iso8601(now))
      .kv("count", static_cast<int64_t>(unknown.size()));
  audit.begin_array("deliveries");
  for (const auto& r : unknown) audit.begin().kv("seq", r.seq).kv("person_id", r.person_id).end();
  audit.end_array().end();
  std::string audit_id = new_uuid();
  if (auto w = st.put_doc_outside(a.org_id, store::OrgDoc{std::string(kResendKind), audit_id, audit.take()});
      !w)
    fail_command("tocsin deliveries", w.error());

  // 2. The deliveries are due again; the gate asks about each at its hand-over.
  for (auto& r : unknown) {
    r.state = store::DeliveryState::kDeferred;
    r.next_at = now;
    r.updated = now;
    r.reason = "resend of an unknown hand-over by " + a.by;
  }
  if (auto w = scope.put_deliveries(unknown); !w) fail_command("tocsin deliveries", w.error());

  // 3. The message sends again: a running server resumes it on this change, a stopped one at start.
  messaging::Message m = std::move(message).value();
  m.status = MessageStatus::kSending;
  m.status_reason = "resending " + std::to_string(unknown.size()) + " unknown deliveries";
  m.modified = now;
  store::OrgDoc next{std::string(messaging::kMessageKind), m.id, messaging::encode_message(m)};
  if (auto w = st.put_doc_outside(a.org_id, next); !w) fail_command("tocsin deliveries", w.error());
  JsonOut j;
  j.begin()
      .kv("message_id", a.message_id)
      .kv("resent", static_cast<int64_t>(unknown.size()))
      .kv("audit", std::string(kResendKind) + "/" + audit_id)
      .end();
  std::cout << j.take() << "\n";
  finish_command(0);
}

}  // namespace

void add_delivery_commands(CLI::App& app) {
  auto a = std::make_shared<Args>();
  auto* deliveries = app.add_subcommand("deliveries", "deliveries of a message");
  deliveries->require_subcommand(1);
  auto* unknown = deliveries->add_subcommand(
      "unknown",
      "list the deliveries a crash left unknown (maybe sent, maybe not); --resend sends them again");
  unknown->add_option("--data", a->dir)->required();
  unknown->add_option("--org", a->org_id)->required();
  unknown->add_option("--message", a->message_id)->required();
  unknown->add_flag("--resend", a->resend,
                    "send them again through the gate (only where a duplicate is acceptable; audited)");
  unknown->add_option("--by", a->by, "who asks for the resend (required with --resend; kept in the audit)");
  unknown->callback([a] { run_unknown(*a); });
}

}  // namespace tocsin
