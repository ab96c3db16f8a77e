#include "app/review_commands.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "app/command_exit.h"
#include "app/installation.h"
#include "core/clock.h"
#include "core/ids.h"
#include "core/json_out.h"
#include "messaging/message.h"
#include "oversight/content_review.h"
#include "policy/content/blocklist.h"
#include "policy/spam_traps.h"
#include "staff/audit.h"

namespace tocsin {
namespace {

struct Args {
  std::string dir, org_id, message_id, by, note, file;
  bool replace = false, spam_traps = false;
};

void write_held(JsonOut& j, const std::string& org_id, const messaging::Message& m) {
  j.begin()
      .kv("org_id", org_id)
      .kv("message_id", m.id)
      .kv("channel", channel_name(m.channel))
      .kv("name", m.name)
      .kv("from", m.from)
      .kv("subject", m.subject)
      .kv("body", m.body)
      .kv("held_at", format_iso8601(m.modified))
      .kv("recipients", m.total_targeted)
      .kv("reason", m.status_reason)  // content_held or new_org_review, with the gate's sentence
      .k("findings")
      .raw(m.review_findings.empty() ? "[]" : m.review_findings)
      .end();
}

void run_list(const Args& a) {
  auto inst = Installation::open(a.dir, false);
  if (!inst) fail_command(inst.error());
  auto held = oversight::held_messages(*inst->store, a.org_id);
  if (!held) fail_command(held.error());
  for (const auto& h : held.value()) {
    JsonOut j;
    write_held(j, h.org_id, h.message);
    std::cout << j.take() << "\n";
  }
  size_t count = held->size();
  std::cerr << count << " held message" << (count == 1 ? "" : "s") << "\n";
  finish_command(0);
}

// The decision is the service's (oversight/content_review.h), which the console's review screen calls too.
void run_decide(const Args& a, bool approve) {
  auto inst = Installation::open(a.dir, false);
  if (!inst) fail_command(inst.error());
  staff::DocAuditLog log(*inst->store);
  auto out = oversight::decide_review(
      *inst->store, log, {a.org_id, a.message_id, approve, a.by, a.note, "cli:" + os_user(), ""});
  if (!out) fail_command(out.error());
  const messaging::Message& m = out->message;
  JsonOut j;
  j.begin()
      .kv("message_id", m.id)
      .kv("status", messaging::status_name(m.status))
      .kv("review_state", m.review_state)
      .kv("audit", std::string(oversight::kReviewKind) + "/" + out->audit_id)
      .end();
  std::cout << j.take() << "\n";
  finish_command(0);
}

// Written aside and renamed, so a server reloading it never reads half a file.
void replace_file(const std::filesystem::path& path, const std::string& text) {
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  if (ec) fail_command(internal_error("cannot create " + path.parent_path().string() + ": " + ec.message()));
  auto tmp = path;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out) fail_command(internal_error("cannot write " + tmp.string()));
  }
  std::filesystem::rename(tmp, path, ec);
  if (ec) fail_command(internal_error("cannot replace " + path.string() + ": " + ec.message()));
}

std::string read_all(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

// The known spam traps (policy/spam_traps.h): merged into DIR/screening/spam_traps.txt like the blocklist.
void run_load_traps(const Args& a) {
  if (!std::filesystem::exists(a.file)) fail_command(not_found("cannot read " + a.file));
  auto loaded = policy::SpamTraps::parse(read_all(a.file));
  if (!loaded) fail_command(loaded.error());
  auto path = policy::SpamTrapFile::path_in(a.dir);
  policy::SpamTraps merged;
  if (!a.replace && std::filesystem::exists(path)) {
    auto existing = policy::SpamTraps::parse(read_all(path));
    if (existing) merged = std::move(existing).value();
  }
  merged.merge(loaded.value());
  replace_file(path, merged.serialize());
  JsonOut j;
  j.begin()
      .kv("file", path.string())
      .kv("loaded", static_cast<int64_t>(loaded->size()))
      .kv("entries", static_cast<int64_t>(merged.size()))
      .end();
  std::cout << j.take() << "\n";
  finish_command(0);
}

void run_load(const Args& a) {
  if (a.spam_traps) return run_load_traps(a);
  std::ifstream in(a.file, std::ios::binary);
  if (!in) fail_command(not_found("cannot read " + a.file));
  std::stringstream buf;
  buf << in.rdbuf();
  auto loaded = policy::content::Blocklist::parse(buf.str());
  if (!loaded) fail_command(loaded.error());
  auto path = policy::content::BlocklistFile::path_in(a.dir);
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  if (ec) fail_command(internal_error("cannot create " + path.parent_path().string() + ": " + ec.message()));
  policy::content::Blocklist merged;
  if (!a.replace) {
    std::ifstream old(path, std::ios::binary);
    if (old) {
      std::stringstream b;
      b << old.rdbuf();
      auto existing = policy::content::Blocklist::parse(b.str());
      if (existing) merged = std::move(existing).value();
    }
  }
  merged.merge(loaded.value());
  // Written aside and renamed, so a server reloading it never reads half a file.
  auto tmp = path;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << merged.serialize();
    if (!out) fail_command(internal_error("cannot write " + tmp.string()));
  }
  std::filesystem::rename(tmp, path, ec);
  if (ec) fail_command(internal_error("cannot replace " + path.string() + ": " + ec.message()));
  JsonOut j;
  j.begin()
      .kv("file", path.string())
      .kv("loaded", static_cast<int64_t>(loaded->size()))
      .kv("entries", static_cast<int64_t>(merged.size()))
      .end();
  std::cout << j.take() << "\n";
  finish_command(0);
}

}  // namespace

void add_review_commands(CLI::App& app) {
  auto a = std::make_shared<Args>();
  auto* review = app.add_subcommand("review", "the content review queue (held messages)");
  review->require_subcommand(1);
  auto* list = review->add_subcommand("list", "print each held message as one JSON line, with its findings");
  list->add_option("--data", a->dir, "data directory")->required();
  list->add_option("--org", a->org_id, "only this organization");
  list->callback([a] { run_list(*a); });
  for (bool approve : {true, false}) {
    auto* cmd =
        review->add_subcommand(approve ? "approve" : "reject",
                               approve ? "approve a held message's content (the organization sends it "
                                         "again)"
                                       : "reject a held message (stopped; the note tells why)");
    cmd->add_option("--data", a->dir, "data directory")->required();
    cmd->add_option("--org", a->org_id, "organization id")->required();
    cmd->add_option("--message", a->message_id, "message id")->required();
    cmd->add_option("--by", a->by, "who decides (audited)")->required();
    auto* note = cmd->add_option("--note", a->note, "shown to the organization");
    if (!approve) note->required();
    cmd->callback([a, approve] { run_decide(*a, approve); });
  }
  auto* screening = app.add_subcommand("screening", "content screening data");
  screening->require_subcommand(1);
  auto* load =
      screening->add_subcommand("load", "merge a link blocklist (plain list or URLhaus/PhishTank CSV)");
  load->add_option("--data", a->dir, "data directory")->required();
  load->add_option("file", a->file, "the list")->required();
  load->add_flag("--replace", a->replace, "replace the current list instead of merging");
  load->add_flag("--spam-traps", a->spam_traps,
                 "the file lists known spam-trap addresses or domains (one a line), not links");
  load->callback([a] { run_load(*a); });
}

}  // namespace tocsin
