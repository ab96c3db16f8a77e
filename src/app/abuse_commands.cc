#include "app/abuse_commands.h"

#include <iostream>
#include <memory>

#include "app/command_exit.h"
#include "app/installation.h"
#include "app/sender_levers.h"
#include "core/ids.h"
#include "messaging/abuse_case.h"
#include "messaging/message.h"
#include "messaging/settings.h"
#include "staff/audit.h"

namespace tocsin {
namespace {

struct Args {
  std::string dir, org_id, about, target, text, case_id, reason;
  bool all = false, disable_sender = false, take_down_page = false, stop_message = false;
};

Installation open_dir(const std::string& dir) {
  auto inst = Installation::open(dir, false);
  if (!inst) fail_command(inst.error());
  return std::move(inst).value();
}

// Every organization's id and the platform's (''), where cases are kept.
std::vector<std::string> case_holders(store::Store& st) {
  auto orgs = st.orgs();
  if (!orgs) fail_command(orgs.error());
  std::vector<std::string> ids{""};
  for (const auto& o : orgs.value()) ids.push_back(o.id);
  return ids;
}

// The organization whose sender or message the case names, from the stored documents (the CLI does not
// load organizations into memory); '' for a page (pass --org) or when none has it.
std::string owner(store::Store& st, const messaging::AbuseCase& c) {
  if (c.about == "page") return {};
  std::string_view kind = c.about == "number" ? messaging::kSenderKind : messaging::kMessageKind;
  for (const auto& org_id : case_holders(st)) {
    if (org_id.empty()) continue;
    auto doc = st.org_doc(org_id, kind, c.target);
    if (!doc) fail_command(doc.error());
    if (doc.value()) return org_id;
  }
  return {};
}

void run_open(const Args& a) {
  auto report = messaging::make_abuse_report(a.about, a.target, a.text);
  if (!report) fail_command(report.error());
  auto inst = open_dir(a.dir);
  messaging::AbuseCase c = std::move(report).value();
  c.id = new_uuid();
  c.source = "cli:" + os_user();
  c.opened = now_micros();
  c.org_id = a.org_id.empty() ? owner(*inst.store, c) : a.org_id;
  store::OrgDoc doc{std::string(messaging::kAbuseCaseKind), c.id, messaging::encode_abuse_case(c)};
  if (auto w = inst.store->put_doc_outside(c.org_id, doc); !w) fail_command(w.error());
  std::cout << messaging::abuse_case_json(c) << "\n";
  finish_command(0);
}

void run_list(const Args& a) {
  auto inst = open_dir(a.dir);
  int count = 0;
  for (const auto& org_id : case_holders(*inst.store)) {
    auto docs = inst.store->scope(org_id).docs_of_kind(messaging::kAbuseCaseKind);
    if (!docs) fail_command(docs.error());
    for (const auto& d : docs.value()) {
      auto c = messaging::decode_abuse_case(d.doc);
      if (!c || (!a.all && c->status != "open")) continue;
      std::cout << messaging::abuse_case_json(c.value()) << "\n";
      ++count;
    }
  }
  std::cerr << count << (a.all ? " case" : " open case") << (count == 1 ? "" : "s") << "\n";
  finish_command(0);
}

// Each action is audited before it takes effect, like the case's close.
void audit(store::Store& st, const messaging::AbuseCase& c, const std::string& actor,
           const std::string& action, const std::string& target, Micros now) {
  staff::DocAuditLog log(st);
  if (auto r = log.record({c.org_id, actor, action, target, "", now}); !r) fail_command(r.error());
}

void take_down(store::Store& st, const messaging::AbuseCase& c, const messaging::PageRef& page,
               const std::string& told, const std::string& actor, Micros now) {
  std::string id = messaging::page_takedown_id(page.kind, page.slug);
  audit(st, c, actor, "page.take_down",
        std::string(messaging::kPageTakedownKind) + ":" + id + " (" + told + ")", now);
  store::OrgDoc doc{std::string(messaging::kPageTakedownKind), id,
                    messaging::encode_page_takedown(told, c.id, now)};
  if (auto w = st.put_doc_outside(c.org_id, doc); !w) fail_command(w.error());
}

// The message becomes `stopped` with the reason; a running server halts its blast (app/serve.cc).
void stop_message(store::Store& st, const messaging::AbuseCase& c, const std::string& told,
                  const std::string& actor, Micros now) {
  auto doc = st.org_doc(c.org_id, messaging::kMessageKind, c.target);
  if (!doc) fail_command(doc.error());
  if (!doc.value()) fail_command(not_found("organization " + c.org_id + " has no message " + c.target));
  auto m = messaging::decode_message(doc.value()->doc);
  if (!m) fail_command(m.error());
  if (m->status == messaging::MessageStatus::kSent || m->status == messaging::MessageStatus::kStopped)
    fail_command(bad_request("message " + c.target + " is " + std::string(messaging::status_name(m->status)) +
                             " already"));
  audit(st, c, actor, "message.stop", "message:" + c.target + " (" + told + ")", now);
  m->status = messaging::MessageStatus::kStopped;
  m->status_reason = "stopped by the platform operator: " + told;
  m->modified = now;
  store::OrgDoc out{std::string(messaging::kMessageKind), m->id, messaging::encode_message(m.value())};
  if (auto w = st.put_doc_outside(c.org_id, out); !w) fail_command(w.error());
}

void run_close(const Args& a) {
  auto inst = open_dir(a.dir);
  store::Store& st = *inst.store;
  std::optional<messaging::AbuseCase> found;
  for (const auto& org_id : case_holders(st)) {
    auto doc = st.org_doc(org_id, messaging::kAbuseCaseKind, a.case_id);
    if (!doc) fail_command(doc.error());
    if (!doc.value()) continue;
    auto c = messaging::decode_abuse_case(doc.value()->doc);
    if (!c) fail_command(c.error());
    found = std::move(c).value();
    break;
  }
  if (!found) fail_command(not_found("no abuse case " + a.case_id));
  messaging::AbuseCase c = std::move(*found);
  if (c.status != "open") fail_command(bad_request("abuse case " + c.id + " is closed already"));
  std::string actor = "cli:" + os_user();
  Micros now = now_micros();
  if (a.disable_sender + a.take_down_page + a.stop_message > 1)
    fail_command(bad_request("one of --disable-sender, --take-down-page, --stop-message"));
  // What the organization is told: the case and the operator's words, wherever the action shows.
  std::string told = "abuse case " + c.id + ": " + a.reason;
  std::string done = a.reason;
  if (a.disable_sender) {
    if (c.about != "number" || c.org_id.empty())
      fail_command(bad_request("--disable-sender needs a case about a number of an organization"));
    auto out = pull_lever(st, {c.org_id, true, c.target, true, told, actor});
    if (!out) fail_command(out.error());
    done = "sender " + c.target + " disabled: " + a.reason;
  } else if (a.take_down_page) {
    auto page = messaging::page_of(c.target);
    if (c.about != "page" || c.org_id.empty() || !page)
      fail_command(
          bad_request("--take-down-page needs a case about a hosted page (/o/...) of an organization"));
    take_down(st, c, *page, told, actor, now);
    done = "page " + page->kind + "/" + page->slug + " taken down: " + a.reason;
  } else if (a.stop_message) {
    if (c.about != "message" || c.org_id.empty())
      fail_command(bad_request("--stop-message needs a case about a message of an organization"));
    stop_message(st, c, told, actor, now);
    done = "message " + c.target + " stopped: " + a.reason;
  }
  audit(st, c, actor, "abuse.close", "abuse_case:" + c.id + " (" + done + ")", now);
  c.status = "closed";
  c.resolution = done;
  c.closed_by = actor;
  c.closed = now;
  store::OrgDoc doc{std::string(messaging::kAbuseCaseKind), c.id, messaging::encode_abuse_case(c)};
  if (auto w = st.put_doc_outside(c.org_id, doc); !w) fail_command(w.error());
  std::cout << messaging::abuse_case_json(c) << "\n";
  finish_command(0);
}

}  // namespace

void add_abuse_commands(CLI::App& app) {
  auto a = std::make_shared<Args>();
  auto* abuse = app.add_subcommand("abuse", "abuse reports: cases the platform operator works");
  abuse->require_subcommand(1);
  auto* open = abuse->add_subcommand("open", "record a report about a page, message or number");
  open->add_option("--data", a->dir)->required();
  open->add_option("--about", a->about, "page | message | number")->required();
  open->add_option("--target", a->target, "the page's URL, the message id or the number")->required();
  open->add_option("--text", a->text, "what was reported")->required();
  open->add_option("--org", a->org_id,
                   "the organization concerned (default: the one whose number or message it is)");
  open->callback([a] { run_open(*a); });
  auto* list = abuse->add_subcommand("list", "print open cases (--all: every case), one JSON line each");
  list->add_option("--data", a->dir)->required();
  list->add_flag("--all", a->all);
  list->callback([a] { run_list(*a); });
  auto* close = abuse->add_subcommand("close", "close a case with what was done");
  close->add_option("--data", a->dir)->required();
  close->add_option("--case", a->case_id)->required();
  close->add_option("--reason", a->reason, "what was found and done (kept in the case and the audit)")
      ->required();
  close->add_flag("--disable-sender", a->disable_sender,
                  "disable the reported number (tocsin sender disable), naming the case");
  close->add_flag("--take-down-page", a->take_down_page,
                  "take the reported hosted page down (it answers 410 with the reason)");
  close->add_flag("--stop-message", a->stop_message, "stop the reported message (a blast in flight halts)");
  close->callback([a] { run_close(*a); });
}

}  // namespace tocsin
