#include "app/abuse_commands.h"

#include <iostream>
#include <memory>

#include "app/command_exit.h"
#include "app/installation.h"
#include "core/ids.h"
#include "messaging/abuse_case.h"
#include "messaging/message.h"
#include "messaging/settings.h"
#include "oversight/abuse_close.h"
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
  auto cases = oversight::abuse_cases(*inst.store, a.all);
  if (!cases) fail_command(cases.error());
  for (const auto& c : cases.value()) std::cout << messaging::abuse_case_json(c) << "\n";
  size_t count = cases->size();
  std::cerr << count << (a.all ? " case" : " open case") << (count == 1 ? "" : "s") << "\n";
  finish_command(0);
}

// Closing is the service's (oversight/abuse_close.h), which the console's abuse cases call too.
void run_close(const Args& a) {
  if (a.disable_sender + a.take_down_page + a.stop_message > 1)
    fail_command(bad_request("one of --disable-sender, --take-down-page, --stop-message"));
  auto inst = open_dir(a.dir);
  oversight::CaseClose how;
  how.case_id = a.case_id;
  how.reason = a.reason;
  how.action = a.disable_sender   ? oversight::CaseAction::kDisableSender
               : a.take_down_page ? oversight::CaseAction::kTakeDownPage
               : a.stop_message   ? oversight::CaseAction::kStopMessage
                                  : oversight::CaseAction::kNone;
  how.actor = "cli:" + os_user();
  staff::DocAuditLog log(*inst.store);
  auto c = oversight::close_abuse_case(*inst.store, log, how);
  if (!c) fail_command(c.error());
  std::cout << messaging::abuse_case_json(c.value()) << "\n";
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
