// compose_bench: cost of composing (email/message_builder) and DKIM-signing (email/dkim_signer, RSA-2048)
// one message, the per-message CPU work of an email blast apart from the SMTP hand-over.
//
// Usage: compose_bench [--messages N] [--threads T] [--runs R] [--print]
// Prints, for build, sign and build+sign, the median over R runs of messages per second with T threads
// (each thread composes N/T distinct messages). --print writes one signed message to stdout and exits.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "email/dkim_key.h"
#include "email/dkim_signer.h"
#include "email/message_builder.h"

using namespace tocsin;
using namespace tocsin::email;

namespace {

RenderedEmail sample(int i) {
  RenderedEmail e;
  e.from_address = "team@news.example.org";
  e.from_name = "Campaign Team";
  e.to_address = "person" + std::to_string(i) + "@example.net";
  e.to_name = "Person " + std::to_string(i);
  e.subject = "Rally on Saturday — bring a friend";
  e.text = "Hello Person " + std::to_string(i) +
           ",\n\nJoin us on Saturday at the town hall. Every voice counts.\n\n"
           "Campaign Team, 1 Main St, Springfield, IL 62701\nUnsubscribe: https://act.example.org/u/abc\n";
  e.html = "<html><body><p>Hello Person " + std::to_string(i) +
           ",</p><p>Join us on <b>Saturday</b> at the town hall. Every voice counts.</p>"
           "<p style=\"font-size:small\">Campaign Team, 1 Main St, Springfield, IL 62701<br>"
           "<a href=\"https://act.example.org/u/abc\">Unsubscribe</a></p></body></html>\n";
  e.list_unsubscribe_url = "https://act.example.org/u/tok" + std::to_string(i);
  e.list_unsubscribe_mailto = "unsubscribe+tok" + std::to_string(i) + "@news.example.org";
  e.message_id = "m1." + std::to_string(i) + "@news.example.org";
  e.extra_headers = {{"X-Tocsin-Delivery", "d" + std::to_string(i)}};
  return e;
}

enum class Work { kBuild, kSign, kBoth };

double run(Work w, const DkimSigner& signer, int messages, int threads, const std::string& prebuilt) {
  auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      for (int i = t; i < messages; i += threads) {
        std::string msg =
            w == Work::kSign ? prebuilt : build_message(sample(i), 1'790'000'000'000'000).value();
        if (w != Work::kBuild && !signer.sign(msg)) std::abort();
      }
    });
  }
  for (auto& th : pool) th.join();
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return messages / secs;
}

}  // namespace

int main(int argc, char** argv) {
  int messages = 20000, threads = 2, runs = 5;
  bool print = false;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--messages") && i + 1 < argc)
      messages = std::atoi(argv[++i]);
    else if (!std::strcmp(argv[i], "--threads") && i + 1 < argc)
      threads = std::atoi(argv[++i]);
    else if (!std::strcmp(argv[i], "--runs") && i + 1 < argc)
      runs = std::atoi(argv[++i]);
    else if (!std::strcmp(argv[i], "--print"))
      print = true;
    else {
      std::fprintf(stderr, "usage: %s [--messages N] [--threads T] [--runs R] [--print]\n", argv[0]);
      return 2;
    }
  }
  auto key = generate_dkim_rsa_key();
  auto signer = DkimSigner::make("news.example.org", "s1", key->private_pem);
  if (!signer) return 1;
  std::string one = build_message(sample(1), 1'790'000'000'000'000).value();
  if (print) {
    std::fputs((signer->sign(one).value() + one).c_str(), stdout);
    return 0;
  }
  std::printf("messages per run %d, threads %d, runs %d (medians)\n", messages, threads, runs);
  for (auto [w, name] :
       {std::pair{Work::kBuild, "build"}, {Work::kSign, "sign"}, {Work::kBoth, "build+sign"}}) {
    std::vector<double> rates;
    for (int r = 0; r < runs; ++r) rates.push_back(run(w, *signer, messages, threads, one));
    std::sort(rates.begin(), rates.end());
    std::printf("%-11s %9.0f msgs/s  (%.1f us/msg/thread)\n", name, rates[rates.size() / 2],
                1e6 * threads / rates[rates.size() / 2]);
  }
  return 0;
}
