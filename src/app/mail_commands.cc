#include "app/mail_commands.h"

#include <iostream>
#include <iterator>
#include <map>
#include <memory>

#include "app/command_exit.h"
#include "app/config.h"
#include "app/http_post.h"
#include "app/installation.h"
#include "core/json_out.h"
#include "email/bounce_address.h"
#include "email/preference_token.h"
#include "email/unsubscribe_links.h"
#include "messaging/mail_ingest.h"
#include "messaging/settings.h"
#include "store/group_commit.h"

namespace tocsin {
namespace {

constexpr int kExUsage = 64, kExTempFail = 75;  // sysexits.h, as Postfix's pipe(8) reads them

struct Args {
  std::string dir, url, recipient, now, org_id, message_id, person_id;
  int64_t seq = 0;
};

[[noreturn]] void tempfail(const std::string& why) {
  std::cerr << "tocsin ingest-mail: " << why << " (will be retried)\n";
  finish_command(kExTempFail);
}

// Reads stdin; beyond `limit` bytes the rest is read and dropped (the report's fields come first; the
// quoted original message last).
std::string read_stdin(size_t limit) {
  std::string raw;
  char buf[65536];
  while (std::cin.read(buf, sizeof buf) || std::cin.gcount() > 0) {
    size_t n = static_cast<size_t>(std::cin.gcount());
    if (raw.size() < limit) raw.append(buf, std::min(n, limit - raw.size()));
  }
  return raw;
}

void forward(const std::string& url, const Config& config, const std::string& raw, const std::string& rcpt) {
  std::vector<std::pair<std::string, std::string>> headers = {
      {"Content-Type", "message/rfc822"}, {"X-Tocsin-Ingest-Secret", config.email.ingest_secret}};
  if (!rcpt.empty()) headers.emplace_back("X-Tocsin-Envelope-Recipient", rcpt);
  auto reply = http_post(url + "/mail/inbound", raw, headers);
  if (!reply) tempfail(reply.error().message);
  if (reply->status != 200)
    tempfail("the server answered " + std::to_string(reply->status) + ": " + reply->body);
  std::cout << reply->body << "\n";
  finish_command(0);
}

std::string loopback_url(const Config& config) {
  std::string listen = config.listen;
  if (listen.rfind("0.0.0.0:", 0) == 0) listen = "127.0.0.1" + listen.substr(7);
  if (listen.rfind("[::]:", 0) == 0) listen = "[::1]" + listen.substr(4);
  return "http://" + listen;
}

// The organization owning a message, loaded on first use (only that one: ingest runs once per mail).
class OwnerLoader {
 public:
  explicit OwnerLoader(Installation& inst) : inst_(inst), hasher_(inst.hasher()) {}
  people::OrgState* operator()(const std::string& message_id) {
    auto orgs = inst_.store->orgs();
    if (!orgs) return nullptr;
    for (const auto& o : orgs.value()) {
      auto doc = inst_.store->org_doc(o.id, messaging::kMessageKind, message_id);
      if (!doc || !doc.value()) continue;
      auto& slot = loaded_[o.id];
      if (!slot) {
        slot = std::make_unique<people::OrgState>(o, hasher_);
        if (auto s = slot->load(inst_.store->scope(o.id)); !s) {
          slot.reset();
          return nullptr;
        }
      }
      return slot.get();
    }
    return nullptr;
  }

 private:
  Installation& inst_;
  ContactHasher hasher_;
  std::map<std::string, std::unique_ptr<people::OrgState>> loaded_;
};

void run_ingest(const Args& a) {
  auto config = load_config(a.dir);
  if (!config) tempfail(config.error().message);
  std::string raw = read_stdin(config->max_body_bytes);
  std::optional<Micros> now;
  if (!a.now.empty()) {
    now = parse_iso8601(a.now);
    if (!now) {
      std::cerr << "tocsin ingest-mail: --now must be ISO-8601\n";
      finish_command(kExUsage);
    }
  }
  if (!a.url.empty()) {
    if (now) {
      std::cerr << "tocsin ingest-mail: --now applies only without a server\n";
      finish_command(kExUsage);
    }
    forward(a.url, config.value(), raw, a.recipient);
  }
  auto inst = Installation::open(a.dir, false);
  if (!inst) tempfail(inst.error().message);
  auto lock = DataDirLock::acquire(*inst, "ingesting mail");
  if (!lock) {
    if (now) {
      std::cerr << "tocsin ingest-mail: --now applies only without a server\n";
      finish_command(kExUsage);
    }
    forward(loopback_url(config.value()), config.value(), raw, a.recipient);
  }
  email::DeliveryTokens tokens(inst->token_keys);
  OwnerLoader owners(*inst);
  store::GroupCommitter committer(*inst->store);
  messaging::FeedbackContext ctx{*inst->store,
                                 committer,
                                 tokens,
                                 [&owners](const std::string& id) { return owners(id); },
                                 now.value_or(now_micros()),
                                 config.value().pause};
  auto out = messaging::ingest_mail(ctx, raw, a.recipient);
  committer.stop();
  if (!out) tempfail(out.error().message);
  std::cout << out->to_json() << "\n";
  finish_command(0);
}

void run_links(const Args& a) {
  auto inst = Installation::open(a.dir, false);
  if (!inst) {
    std::cerr << "tocsin: " << inst.error().message << "\n";
    finish_command(1);
  }
  auto config = load_config(a.dir);
  if (!config) {
    std::cerr << "tocsin: " << config.error().message << "\n";
    finish_command(1);
  }
  std::string person = a.person_id;
  std::string address;  // the delivery's, which the preference link is bound to
  auto d = inst->store->scope(a.org_id).delivery(a.message_id, a.seq);
  if (d && d.value()) address = d.value()->address;
  if (person.empty()) {
    if (!d || !d.value()) {
      std::cerr << "tocsin: no delivery " << a.message_id << ":" << a.seq << " (give --person)\n";
      finish_command(1);
    }
    person = d.value()->person_id;
  }
  email::DeliveryTokens tokens(inst->token_keys);
  email::UnsubscribeTokens unsubscribe(inst->token_keys);
  std::string domain = effective_mail_domain(config.value());
  std::string public_url = config->public_url.empty() ? "http://" + config->listen : config->public_url;
  email::DeliveryRef ref{a.message_id, a.seq};
  auto token = unsubscribe.issue({a.org_id, person, a.message_id});
  auto bounce = email::bounce_address(tokens, domain, ref);
  auto header = email::delivery_header_value(tokens, ref);
  auto msgid = email::delivery_message_id(tokens, domain, ref);
  auto mailto = email::unsubscribe_mailto(tokens, domain, ref);
  for (const Error* e : {token ? nullptr : &token.error(), bounce ? nullptr : &bounce.error()}) {
    if (e) {
      std::cerr << "tocsin: " << e->message << "\n";
      finish_command(1);
    }
  }
  std::string url = email::unsubscribe_url(public_url, token.value());
  JsonOut j;
  j.begin()
      .kv("bounce_address", bounce.value())
      .kv("delivery_header", header.value())
      .kv("message_id", "<" + msgid.value() + ">")
      .kv("unsubscribe_token", token.value())
      .kv("unsubscribe_url", url)
      .kv("unsubscribe_mailto", mailto.value());
  if (!address.empty() && d.value()->person_id == person) {
    email::PreferenceTokens preferences(inst->token_keys);
    auto channel = d.value()->channel;
    if (auto t = preferences.issue({a.org_id, person, channel, now_micros() + email::kPreferenceLinkLifetime},
                                   address))
      j.kv("preferences_url", email::preference_url(public_url, t.value()));
  }
  std::cout << j.end().take() << "\n";
  finish_command(0);
}

}  // namespace

void add_mail_commands(CLI::App& app) {
  auto a = std::make_shared<Args>();
  auto* ingest =
      app.add_subcommand("ingest-mail", "apply one bounce, complaint or unsubscribe mail read on stdin");
  ingest->add_option("--data", a->dir, "data directory")->required();
  ingest->add_option("--url", a->url, "the running server's base URL (default: http://<[server] listen>)");
  ingest->add_option("--recipient", a->recipient, "envelope recipient (Postfix: ${original_recipient})");
  // Tests only: the clock for soft-bounce spans; honoured only when applying directly (no server).
  ingest->add_option("--now", a->now)->group("");
  ingest->callback([a] { run_ingest(*a); });

  auto* links = app.add_subcommand(
      "mail-links", "print the bounce address, unsubscribe and preference links of a delivery");
  links->add_option("--data", a->dir, "data directory")->required();
  links->add_option("--org", a->org_id, "organization id")->required();
  links->add_option("--message", a->message_id, "message id")->required();
  links->add_option("--seq", a->seq, "the delivery's seq")->required();
  links->add_option("--person", a->person_id, "recipient (default: the delivery's)");
  links->callback([a] { run_links(*a); });
}

}  // namespace tocsin
