// compose_bench: cost of composing (email/message_builder) and DKIM-signing (email/dkim_signer, RSA-2048)
// one message, the per-message CPU work of an email blast apart from the SMTP hand-over.
//
// Usage: compose_bench [--messages N] [--threads T] [--runs R] [--print]
// Prints, for each kind of work, the median over R runs of messages per second with T threads (each thread
// composes N/T distinct messages). The kinds run interleaved (run 1 of each, then run 2 of each, ...), so a
// shared machine's load falls on all of them alike, and each "frame" figure is followed by the median of
// its per-run ratio to the GMime figure it replaces (issue 16):
//   build, sign, build+sign          GMime's object graph per message (email/message_builder), then sign
//   frame build, frame build+sign    the same messages from one email/mime_frame (per-recipient body)
//   compose+sign, frame compose+sign the whole per-delivery composition (messaging/compose.h: render with
//                                    merge field, tokens, headers, body, signature), compose_email against
//                                    ComposeFrame, with token keys as a server has them (per-recipient body)
//   frame compose+sign, shared body  ComposeFrame without token keys: every recipient's body the same, so
//                                    the body and its bh= are made once
// --print writes one signed message to stdout and exits.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "email/delivery_token.h"
#include "email/dkim_key.h"
#include "email/dkim_signer.h"
#include "email/message_builder.h"
#include "email/mime_frame.h"
#include "email/preference_token.h"
#include "email/token_keys.h"
#include "email/unsubscribe_token.h"
#include "messaging/compose.h"

using namespace tocsin;
using namespace tocsin::email;

namespace {

RenderedEmail sample(int i) {
  RenderedEmail e;
  e.from_address = "team@news.example.org";
  e.from_name = "Campaign Team";
  e.to_address = "person" + std::to_string(i) + "@example.net";
  // No display name for To: a blast has none (messaging/compose.cc); the frame writes To itself only then.
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
  e.boundary = "=-bench0123456789abcde";
  return e;
}

constexpr Micros kDate = 1'790'000'000'000'000;
const std::string kMessageId = "6f1c2a3b-1111-4222-8333-944455556666";
const std::string kOrgId = "0a1b2c3d-1111-4222-8333-944455556666";

std::string person_id(int i) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "7e000000-0000-4000-8000-%012d", i);
  return buf;
}

messaging::MailContent blast_content() {
  messaging::MailContent c;
  c.subject = "Hello {{given_name}}{{^given_name}}friend{{/given_name}}";
  c.body_html =
      "<p>Join us on <b>Saturday</b> at the town hall. Every voice counts.</p>"
      "<p>Bring a friend: <a href=\"https://example.org/rsvp\">RSVP here</a>.</p>";
  c.from_address = "team@news.example.org";
  c.from_name = "Campaign Team";
  c.postal_address = "Campaign Team, 1 Main St, Springfield, IL 62701";
  return c;
}

enum class Work { kBuild, kSign, kBoth, kFrameBuild, kFrameBoth, kCompose, kFrameCompose, kSharedCompose };

struct Fixture {
  const DkimSigner& signer;
  std::string prebuilt;
  MimeFrame frame;
  messaging::MailLinks links, no_links;
  messaging::ComposeFrame* compose_frame;
  messaging::ComposeFrame* shared_frame;
};

void one(Work w, const Fixture& f, int i) {
  messaging::MergeValues v;
  v.fields["given_name"] = "Person" + std::to_string(i % 50);
  std::string to = "person" + std::to_string(i) + "@example.net";
  switch (w) {
    case Work::kBuild:
      build_message(sample(i), kDate).value();
      return;
    case Work::kSign:
      if (!f.signer.sign(f.prebuilt)) std::abort();
      return;
    case Work::kBoth:
      if (!f.signer.sign(build_message(sample(i), kDate).value())) std::abort();
      return;
    case Work::kFrameBuild:
      f.frame.build(sample(i), kDate).value();
      return;
    case Work::kFrameBoth:
      if (!f.signer.sign(f.frame.build(sample(i), kDate).value())) std::abort();
      return;
    case Work::kCompose:
      if (!messaging::compose_email(f.links, blast_content(), &f.signer, kOrgId, person_id(i), to,
                                    {kMessageId, i}, v, kDate))
        std::abort();
      return;
    case Work::kFrameCompose:
      if (!f.compose_frame->compose(kOrgId, person_id(i), to, {kMessageId, i}, v, kDate)) std::abort();
      return;
    case Work::kSharedCompose:
      if (!f.shared_frame->compose(kOrgId, person_id(i), to, {kMessageId, i}, v, kDate)) std::abort();
      return;
  }
}

double run(Work w, const Fixture& f, int messages, int threads) {
  auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      for (int i = t; i < messages; i += threads) one(w, f, i);
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
  std::string prebuilt = build_message(sample(1), 1'790'000'000'000'000).value();
  if (print) {
    std::fputs((signer->sign(prebuilt).value() + prebuilt).c_str(), stdout);
    return 0;
  }
  std::printf("messages per run %d, threads %d, runs %d (medians; kinds interleaved per run)\n", messages,
              threads, runs);
  RenderedEmail shared = sample(0);
  auto frame = MimeFrame::make(shared);
  if (!frame) return 1;
  UnsubscribeTokens tokens({TokenKey::generate(1)});
  DeliveryTokens delivery({TokenKey::generate(2)});
  PreferenceTokens preferences({TokenKey::generate(3)});
  messaging::MailLinks links{&tokens, &delivery, "https://act.example.org", "news.example.org", &preferences};
  messaging::MailLinks no_links{nullptr, nullptr, "https://act.example.org", "news.example.org", nullptr};
  messaging::MailContent content = blast_content();
  content.body_html =
      "<p>Dear friend,</p>" + content.body_html;  // the shared run: no merge field in the body
  messaging::ComposeFrame compose_frame(links, blast_content(), &*signer, kMessageId);
  messaging::ComposeFrame shared_frame(no_links, content, &*signer, kMessageId);
  Fixture f{*signer, prebuilt, std::move(frame).value(), links, no_links, &compose_frame, &shared_frame};
  const std::pair<Work, const char*> kinds[] = {{Work::kBuild, "build"},
                                                {Work::kFrameBuild, "frame build"},
                                                {Work::kSign, "sign"},
                                                {Work::kBoth, "build+sign"},
                                                {Work::kFrameBoth, "frame build+sign"},
                                                {Work::kCompose, "compose+sign"},
                                                {Work::kFrameCompose, "frame compose+sign"},
                                                {Work::kSharedCompose, "frame compose+sign, shared body"}};
  constexpr size_t kKinds = sizeof kinds / sizeof kinds[0];
  std::vector<double> rates[kKinds];
  for (int r = 0; r < runs; ++r)
    for (size_t k = 0; k < kKinds; ++k) rates[k].push_back(run(kinds[k].first, f, messages, threads));
  auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  // The frame kinds against the GMime kind they replace, run by run.
  auto baseline = [](Work w) {
    return w == Work::kFrameBuild      ? 0
           : w == Work::kFrameBoth     ? 3
           : w == Work::kFrameCompose  ? 5
           : w == Work::kSharedCompose ? 5
                                       : -1;
  };
  for (size_t k = 0; k < kKinds; ++k) {
    double m = median(rates[k]);
    std::printf("%-32s %9.0f msgs/s  (%.1f us/msg/thread)", kinds[k].second, m, 1e6 * threads / m);
    if (int b = baseline(kinds[k].first); b >= 0) {
      std::vector<double> ratios;
      for (int r = 0; r < runs; ++r) ratios.push_back(rates[k][r] / rates[b][r]);
      std::printf("  x%.2f of %s", median(ratios), kinds[b].second);
    }
    std::printf("\n");
  }
  return 0;
}
