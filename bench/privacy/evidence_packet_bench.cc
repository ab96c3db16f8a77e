// evidence_packet_bench: time to build a signed consent-evidence packet (privacy/evidence_packet.h) for N
// contact points of one organization, from a SQLite store holding their ledger entries (two each: a
// subscription with its disclosure text, IP and user agent, then a re-confirmation), beside 5 * N entries of
// other contact points. Goal (issue 11): 10,000 contact points in at most 5 s.
//
// Usage: evidence_packet_bench [--contacts N] [--runs R] [--dir DIR]
// Prints one JSON line: contacts, entries, zip bytes, and the median and max seconds over R runs.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "core/ids.h"
#include "people/directory.h"
#include "privacy/evidence_packet.h"
#include "store/store.h"

using namespace tocsin;

int main(int argc, char** argv) {
  int contacts = 10000, runs = 3;
  std::string dir = "/tmp/evidence_packet_bench";
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--contacts")) contacts = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--runs")) runs = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--dir")) dir = argv[i + 1];
  }
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::array<unsigned char, 32> key{};
  key.fill(3);
  ContactHasher hasher(key);
  store::SqliteOptions opts;
  opts.hasher = hasher;
  auto st = store::open_sqlite_store(dir + "/tocsin.db", opts);
  if (!st) return std::fprintf(stderr, "%s\n", st.error().message.c_str()), 1;
  auto& store = *st.value();
  Org org{new_uuid(), "Bench", "US", false, false, now_micros()};
  if (!store.create_org(org)) return 1;
  people::OrgState state(org, hasher);
  if (!state.load(store.scope(org.id))) return 1;
  const std::string disclosure =
      "Yes, send me email updates from Bench about our campaigns. You can unsubscribe at any time.";
  int total = contacts * 7;
  store::WriteBatch batch;
  std::vector<privacy::ContactRef> named;
  for (int i = 0; i < total; ++i) {
    std::string addr = "person" + std::to_string(i) + "@example.net";
    auto w = batch.for_org(org.id);
    consent::Evidence ev{"api_key:bench",
                         "https://act.example.org/petitions/clean-air?v=3",
                         "api signup helper",
                         "203.0.113." + std::to_string(i % 250),
                         "Mozilla/5.0 (bench)",
                         disclosure,
                         0,
                         "",
                         {}};
    std::string pid = new_time_ordered_uuid();
    state.record_status(w, Channel::kEmail, addr, pid, consent::Status::kSubscribed, ev, now_micros());
    if (i < contacts) {
      ev.method = "api update";
      state.record_status(w, Channel::kEmail, addr, pid, consent::Status::kSubscribed, ev, now_micros());
      named.push_back({Channel::kEmail, addr});
    }
    if (batch.size() >= 2000) {
      if (!store.apply(batch)) return 1;
      batch.clear();
    }
  }
  if (!store.apply(batch)) return 1;
  auto key_pair = privacy::SigningKey::generate();
  std::vector<double> secs;
  size_t bytes = 0;
  for (int r = 0; r < runs; ++r) {
    auto scope = store.scope(org.id);
    auto t0 = std::chrono::steady_clock::now();
    auto p = privacy::build_evidence_packet(org, scope, hasher, key_pair,
                                            {"bench", "contacts", named, now_micros()});
    auto t1 = std::chrono::steady_clock::now();
    if (!p || !p->chain_verified) return std::fprintf(stderr, "packet failed\n"), 1;
    bytes = p->zip.size();
    secs.push_back(std::chrono::duration<double>(t1 - t0).count());
  }
  std::sort(secs.begin(), secs.end());
  std::printf(
      "{\"contacts\": %d, \"entries_in_org\": %d, \"zip_bytes\": %zu, \"median_s\": %.3f, \"max_s\": %.3f}\n",
      contacts, total + contacts, bytes, secs[secs.size() / 2], secs.back());
  std::filesystem::remove_all(dir);
  return 0;
}
