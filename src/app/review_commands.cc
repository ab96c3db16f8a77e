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
#include "policy/content/blocklist.h"

namespace tocsin {
namespace {

inline constexpr std::string_view kReviewKind = "content_review";

struct Args {
  std::string dir, org_id, message_id, by, note, file;
  bool replace = false;
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
      .kv("reason", m.status_reason)  // content_held or new_org_review, with the gate's sentence
      .k("findings")
      .raw(m.review_findings.empty() ? "[]" : m.review_findings)
      .end();
}

void run_list(const Args& a) {
  auto inst = Installation::open(a.dir, false);
  if (!inst) fail_command(inst.error());
  auto orgs = inst->store->orgs();
  if (!orgs) fail_command(orgs.error());
  size_t count = 0;
  bool found = a.org_id.empty();
  for (const auto& o : orgs.value()) {
    if (!a.org_id.empty() && o.id != a.org_id) continue;
    found = true;
    auto snap = inst->store->scope(o.id).load();
    if (!snap) fail_command(snap.error());
    // Later documents of the same message replace earlier ones (the snapshot is in creation order).
    std::map<std::string, messaging::Message> latest;
    for (const auto& d : snap->docs) {
      if (d.kind != messaging::kMessageKind) continue;
      auto m = messaging::decode_message(d.doc);
      if (m) latest[d.id] = std::move(m).value();
    }
    for (const auto& [id, m] : latest) {
      if (m.status != messaging::MessageStatus::kHeld) continue;
      JsonOut j;
      write_held(j, o.id, m);
      std::cout << j.take() << "\n";
      ++count;
    }
  }
  if (!found) fail_command(not_found("no organization " + a.org_id));
  std::cerr << count << " held message" << (count == 1 ? "" : "s") << "\n";
  finish_command(0);
}

void run_decide(const Args& a, bool approve) {
  if (a.by.empty()) fail_command(bad_request("--by NAME is required: who decides (kept in the audit)"));
  if (!approve && a.note.empty())
    fail_command(bad_request("--note is required: the organization is told why"));
  auto inst = Installation::open(a.dir, false);
  if (!inst) fail_command(inst.error());
  store::Store& st = *inst->store;
  auto doc = st.org_doc(a.org_id, messaging::kMessageKind, a.message_id);
  if (!doc) fail_command(doc.error());
  if (!doc.value()) fail_command(not_found("organization " + a.org_id + " has no message " + a.message_id));
  auto message = messaging::decode_message(doc.value()->doc);
  if (!message) fail_command(message.error());
  messaging::Message m = std::move(message).value();
  if (m.status != messaging::MessageStatus::kHeld)
    fail_command(bad_request("message " + a.message_id + " is " +
                             std::string(messaging::status_name(m.status)) + ", not held"));

  // The audit first: a decision that took effect is always on record.
  Micros now = now_micros();
  std::string digest = m.content_digest();
  JsonOut audit;
  audit.begin()
      .kv("message_id", m.id)
      .kv("decision", approve ? "approved" : "rejected")
      .kv("by", a.by)
      .kv("os_user", os_user())
      .kv("at", format_iso8601(now))
      .kv("note", a.note)
      .kv("content_digest", digest)
      .k("findings")
      .raw(m.review_findings.empty() ? "[]" : m.review_findings)
      .end();
  std::string audit_id = new_uuid();
  if (auto w = st.put_doc_outside(a.org_id, store::OrgDoc{std::string(kReviewKind), audit_id, audit.take()});
      !w)
    fail_command(w.error());

  if (approve) {
    m.status = messaging::MessageStatus::kDraft;
    m.status_reason = "approved by the platform operator's review; send it again";
    m.review_state = "approved";
    m.review_digest = digest;
  } else {
    m.status = messaging::MessageStatus::kStopped;
    m.status_reason = "rejected by the platform operator's review: " + a.note;
    m.review_state = "rejected";
    m.review_digest.clear();
  }
  m.review_note = a.note;
  m.modified = now;
  if (auto w = st.put_doc_outside(
          a.org_id, store::OrgDoc{std::string(messaging::kMessageKind), m.id, messaging::encode_message(m)});
      !w)
    fail_command(w.error());
  JsonOut j;
  j.begin()
      .kv("message_id", m.id)
      .kv("status", messaging::status_name(m.status))
      .kv("review_state", m.review_state)
      .kv("audit", std::string(kReviewKind) + "/" + audit_id)
      .end();
  std::cout << j.take() << "\n";
  finish_command(0);
}

void run_load(const Args& a) {
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
  load->callback([a] { run_load(*a); });
}

}  // namespace tocsin
