#include "app/privacy_commands.h"

#include <charconv>
#include <fstream>
#include <iostream>
#include <sstream>

#include "app/command_exit.h"
#include "app/installation.h"
#include "core/ids.h"
#include "core/json_out.h"
#include "privacy/access_log.h"
#include "privacy/contact_scope.h"
#include "privacy/disclosure_log.h"
#include "privacy/evidence_packet.h"

namespace tocsin {
namespace {

struct Args {
  std::string dir, org_id, contacts_file, message_id, sender, list_id, request_id, out, note;
  std::string deadline = "24h";
};

int fail(const Error& e) {
  std::cerr << "tocsin: " << e.message << "\n";
  return e.http_status == 404 ? 4 : 1;
}

// The one scope option given, as the request's `scope` and its contact points.
Result<std::pair<std::string, std::vector<privacy::ContactRef>>> resolve(const Args& a, OrgInstallation& o) {
  int given = !a.contacts_file.empty() + !a.message_id.empty() + !a.sender.empty() + !a.list_id.empty();
  if (given != 1) return bad_request("give exactly one of --contacts, --message, --sender, --list");
  auto scope = o.inst.store->scope(o.org.id);
  Result<std::vector<privacy::ContactRef>> c = std::vector<privacy::ContactRef>{};
  std::string what;
  if (!a.contacts_file.empty()) {
    std::ifstream in(a.contacts_file);
    if (!in) return bad_request("cannot read " + a.contacts_file);
    std::stringstream ss;
    ss << in.rdbuf();
    c = privacy::contacts_from_lines(ss.str(), o.org);
    what = "contacts";
  } else if (!a.message_id.empty()) {
    c = privacy::contacts_of_message(scope, a.message_id);
    what = "message:" + a.message_id;
  } else if (!a.sender.empty()) {
    c = privacy::contacts_of_sender(scope, o.org, a.sender);
    what = "sender:" + a.sender;
  } else {
    c = privacy::contacts_of_list(scope, a.list_id);
    what = "list:" + a.list_id;
  }
  if (!c) return c.error();
  return std::make_pair(what, std::move(c).value());
}

int run_open(const Args& a) {
  auto deadline = parse_duration_micros(a.deadline);
  if (!deadline) return fail(bad_request("--deadline must be like 24h, 90m, 30s or 2d"));
  auto o = open_org_installation(a.dir, a.org_id);
  if (!o) return fail(o.error());
  auto r = resolve(a, o.value());
  if (!r) return fail(r.error());
  privacy::EvidenceRequest req;
  req.id = new_uuid();
  req.opened = now_micros();
  req.deadline = req.opened + *deadline;
  req.opened_by = "platform:cli";
  req.scope = r->first;
  req.note = a.note;
  req.contacts = std::move(r->second);
  req.audit.push_back({req.opened, req.opened_by,
                       "opened for " + std::to_string(req.contacts.size()) + " contact points, due " +
                           format_iso8601(req.deadline)});
  store::OrgDoc doc{std::string(privacy::kEvidenceRequestKind), req.id,
                    privacy::encode_evidence_request(req)};
  if (auto s = o->inst.store->put_doc_outside(o->org.id, doc); !s) return fail(s.error());
  JsonOut j;
  j.begin().kv("id", req.id).kv("org_id", o->org.id).kv("scope", req.scope);
  j.kv("deadline", format_iso8601(req.deadline))
      .kv("contact_count", static_cast<int64_t>(req.contacts.size()));
  std::cout << j.end().take() << "\n";
  return 0;
}

int run_packet(const Args& a) {
  auto o = open_org_installation(a.dir, a.org_id);
  if (!o) return fail(o.error());
  privacy::PacketRequest pr;
  pr.made = now_micros();
  if (!a.request_id.empty()) {
    auto doc = o->inst.store->scope(o->org.id).doc(privacy::kEvidenceRequestKind, a.request_id);
    if (!doc) return fail(doc.error());
    if (!doc.value()) return fail(not_found("no evidence request " + a.request_id));
    auto req = privacy::decode_evidence_request(doc.value()->doc);
    if (!req) return fail(req.error());
    pr.request_id = req->id;
    pr.scope = req->scope;
    pr.contacts = std::move(req->contacts);
  } else {
    auto r = resolve(a, o.value());
    if (!r) return fail(r.error());
    pr.scope = r->first;
    pr.contacts = std::move(r->second);
  }
  auto key = privacy::SigningKey::load_or_create(o->inst.dir);
  if (!key) return fail(key.error());
  auto scope = o->inst.store->scope(o->org.id);
  auto hasher = o->inst.hasher();
  auto packet = privacy::build_evidence_packet(o->org, scope, hasher, key.value(), pr);
  if (!packet) return fail(packet.error());
  // Logged before the packet is written (it holds the contact points' addresses and evidence).
  if (auto s = privacy::record_access_now(
          *o->inst.store, privacy::disclosed_to_reader({o->org.id,
                                                        "cli:" + os_user(),
                                                        "",
                                                        "evidence.packet",
                                                        "tocsin evidence packet " + pr.scope,
                                                        {},
                                                        static_cast<int64_t>(pr.contacts.size())},
                                                       privacy::kEvidenceRequestBasis));
      !s)
    return fail(s.error());
  std::ofstream out(a.out, std::ios::binary | std::ios::trunc);
  if (!out.write(packet->zip.data(), static_cast<std::streamsize>(packet->zip.size())) || !out.flush())
    return fail(internal_error("cannot write " + a.out));
  JsonOut j;
  j.begin().kv("out", a.out).kv("sha256", packet->sha256);
  j.kv("contact_count", static_cast<int64_t>(pr.contacts.size()))
      .kv("chain_verified", packet->chain_verified);
  std::cout << j.end().take() << "\n";
  return packet->chain_verified ? 0 : 1;
}

int run_public_key(const Args& a) {
  auto inst = Installation::open(a.dir, false);
  if (!inst) return fail(inst.error());
  auto key = privacy::SigningKey::load_or_create(inst->dir);
  if (!key) return fail(key.error());
  std::cout << key->public_key_b64() << "\n";
  return 0;
}

void scope_options(CLI::App* cmd, Args& a) {
  cmd->add_option("--contacts", a.contacts_file, "file of email addresses and phone numbers, one a line");
  cmd->add_option("--message", a.message_id, "everyone this message was handed over to");
  cmd->add_option("--sender", a.sender, "everyone any text from this number was handed over to");
  cmd->add_option("--list", a.list_id, "the list's members");
}

}  // namespace

std::optional<int64_t> parse_duration_micros(std::string_view s) {
  if (s.size() < 2) return std::nullopt;
  int64_t n = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size() - 1, n);
  if (ec != std::errc() || p != s.data() + s.size() - 1 || n <= 0) return std::nullopt;
  int64_t unit = 0;
  switch (s.back()) {
    case 's':
      unit = 1;
      break;
    case 'm':
      unit = 60;
      break;
    case 'h':
      unit = 3600;
      break;
    case 'd':
      unit = 86400;
      break;
    default:
      return std::nullopt;
  }
  if (n > int64_t{365} * 86400 / unit) return std::nullopt;
  return n * unit * 1'000'000;
}

void add_privacy_commands(CLI::App& app, CLI::App& evidence) {
  auto a = std::make_shared<Args>();
  auto* complaint = app.add_subcommand("complaint", "consent-evidence requests (platform operator)");
  complaint->require_subcommand(1);
  auto* open = complaint->add_subcommand("open", "ask an organization for consent evidence by a deadline");
  open->add_option("--data", a->dir, "data directory")->required();
  open->add_option("--org", a->org_id)->required();
  scope_options(open, *a);
  open->add_option("--deadline", a->deadline, "time to answer (default 24h; e.g. 90m, 30s)");
  open->add_option("--note", a->note, "the complaint's reference");
  open->callback([a] { throw CLI::RuntimeError(run_open(*a)); });

  auto* packet = evidence.add_subcommand("packet", "write a signed consent-evidence packet (ZIP)");
  packet->add_option("--data", a->dir, "data directory")->required();
  packet->add_option("--org", a->org_id)->required();
  packet->add_option("--request", a->request_id, "the contact points of this evidence request");
  scope_options(packet, *a);
  packet->add_option("--out", a->out, "the ZIP file to write")->required();
  packet->callback([a] { throw CLI::RuntimeError(run_packet(*a)); });

  auto* pk = evidence.add_subcommand("public-key", "print the Ed25519 key evidence packets are signed with");
  pk->add_option("--data", a->dir, "data directory")->required();
  pk->callback([a] { throw CLI::RuntimeError(run_public_key(*a)); });
}

}  // namespace tocsin
