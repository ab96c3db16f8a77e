// Fuzz target: mail that comes back to us — DSNs (RFC 3464), ARF complaints (RFC 5965), plain-text bounces,
// mailto unsubscribes — through the entry point `tocsin ingest-mail` and POST /mail/inbound use
// (messaging/mail_ingest.h, which parses with email/mail_report.h). One organization with one subscribed
// person and two deliveries to them lives in a SQLite store for the whole run; in the input, "@B@" and "@U@"
// stand for the bounce and unsubscribe tokens of delivery 0 and "@b@" for the bounce token of delivery 1, so
// the fuzzer reaches the ledger and delivery writes. Ingest may only fail when a write fails, which it must
// not here.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include <spdlog/spdlog.h>

#include "core/ids.h"
#include "email/delivery_token.h"
#include "fuzz_delivery.h"
#include "messaging/mail_ingest.h"
#include "people/upsert.h"
#include "scratch_dir.h"

namespace {

using namespace tocsin;

constexpr Micros kT0 = int64_t{1'800'000'000} * 1'000'000;

struct World {
  std::filesystem::path dir;
  std::unique_ptr<store::Store> store;
  std::unique_ptr<people::Directory> directory;
  people::OrgState* org = nullptr;
  std::unique_ptr<store::GroupCommitter> committer;
  email::DeliveryTokens tokens{{email::TokenKey::generate(1)}};
  std::string bounce0, unsubscribe0, bounce1;

  World() {
    spdlog::set_level(spdlog::level::err);  // the store's and ingest's log lines would drown the fuzzer's
    dir = fuzz::scratch_dir() / ("tocsin-mail-fuzz-" + new_uuid());
    std::filesystem::create_directories(dir);
    store = std::move(store::open_sqlite_store((dir / "t.db").string())).value();
    Org o{new_uuid(), "Fuzz Org", "US"};
    if (!store->create_org(o).ok()) std::abort();
    std::array<unsigned char, 32> key{};
    key.fill(7);
    directory = std::make_unique<people::Directory>(ContactHasher(key));
    if (!directory->refresh(*store).ok()) std::abort();
    org = directory->find(o.id);
    committer = std::make_unique<store::GroupCommitter>(*store);

    const std::string email = "fuzz.recipient@example.net";
    std::string person_id;
    messaging::Message m;
    m.id = new_uuid();
    m.status = messaging::MessageStatus::kSending;
    committer->run_sync([&](store::WriteBatch& b) {
      auto w = b.for_org(o.id);
      std::unique_lock lock(org->mu);
      people::PersonInput in;
      in.email.set(email);
      in.email_status = consent::Status::kSubscribed;
      consent::Evidence ev;
      ev.method = "fuzz signup";
      person_id = people::signup(*org, in, {}, ev, people::WriteAuthority{}, w, kT0).value().person->id;
      org->messaging.put_message(w, m);
      return std::function<void()>{};
    });
    std::vector<store::DeliveryRow> rows;
    for (int64_t seq : {0, 1}) {
      store::DeliveryRow d;
      d.message_id = m.id;
      d.seq = seq;
      d.person_id = person_id;
      d.address = email;
      d.contact = ContactHasher(key).hash(Channel::kEmail, email);
      d.state = store::DeliveryState::kHandedOver;
      d.handed_at = kT0;
      rows.push_back(d);
    }
    if (!store->scope(o.id).put_deliveries(rows).ok()) std::abort();
    bounce0 = tokens.issue(email::TokenPurpose::kBounce, email::DeliveryRef{m.id, 0}).value();
    unsubscribe0 = tokens.issue(email::TokenPurpose::kUnsubscribe, email::DeliveryRef{m.id, 0}).value();
    bounce1 = tokens.issue(email::TokenPurpose::kBounce, email::DeliveryRef{m.id, 1}).value();
  }
  ~World() {
    committer->stop();
    std::filesystem::remove_all(dir);
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static World world;
  std::string raw(reinterpret_cast<const char*>(data), size);
  fuzz::replace_all(raw, "@B@", world.bounce0);
  fuzz::replace_all(raw, "@U@", world.unsubscribe0);
  fuzz::replace_all(raw, "@b@", world.bounce1);
  messaging::FeedbackContext ctx{*world.store, *world.committer, world.tokens,
                                 [](const std::string& id) -> people::OrgState* {
                                   std::shared_lock lock(world.org->mu);
                                   return world.org->messaging.message(id) ? world.org : nullptr;
                                 },
                                 kT0};
  auto out = messaging::ingest_mail(ctx, raw);
  if (!out) {
    std::fprintf(stderr, "ingest failed: %s\n", out.error().message.c_str());
    std::abort();
  }
  return 0;
}
