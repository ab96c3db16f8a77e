// Plain-text bounce notices (email/plain_bounce.h) over the labelled corpus tests/fixtures/mail/plain-text:
// qmail, Exim, Sendmail, old Postfix, Exchange / Office 365, Gmail, Yahoo, Domino, GroupWise, MDaemon and
// Courier notices, hard and soft, and negatives (auto-replies, a read receipt, a success notice, a human
// reply) that are not bounces. Every sample must get its label; the rate over the mixed corpus is printed
// (docs/MAIL.md states it).
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "email/mail_report.h"
#include "email/plain_bounce.h"

namespace tocsin::email {
namespace {

namespace fs = std::filesystem;
const fs::path kCorpus = fs::path(TOCSIN_FIXTURES_DIR) / "mail/plain-text";
constexpr std::string_view kToken = "x7kq2m4n5p6r7s8t9v2w3x4y5z6a7b8c9d2e3f4g5h6j7k8m9n";

struct Label {
  std::string file, bounce_class, action, recipient, token;
};

std::vector<Label> labels() {
  std::vector<Label> out;
  std::ifstream in(kCorpus / "labels.tsv");
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    Label l;
    std::getline(fields, l.file, '\t');
    std::getline(fields, l.bounce_class, '\t');
    std::getline(fields, l.action, '\t');
    std::getline(fields, l.recipient, '\t');
    std::getline(fields, l.token, '\t');
    out.push_back(l);
  }
  return out;
}

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// What parse_mail_report makes of a sample, in the label's terms.
Label classify(const Label& want) {
  MailReport r = parse_mail_report(read(kCorpus / want.file));
  Label got{want.file, "none", "-", "-", "-"};
  if (r.kind != MailReport::Kind::kDeliveryStatus || r.recipients.empty()) return got;
  const RecipientStatus& rs = r.recipients.front();
  got.bounce_class = std::string(bounce_class_name(rs.bounce_class));
  got.action = rs.action;
  got.recipient = rs.final_recipient;
  bool found = r.original_headers["x-tocsin-delivery"] == kToken ||
               r.original_headers["message-id"].find(kToken) != std::string::npos;
  got.token = found ? "yes" : "no";
  return got;
}

TEST(PlainBounceCorpus, EverySampleGetsItsLabel) {
  auto all = labels();
  ASSERT_GE(all.size(), 50u) << "corpus not found at " << kCorpus;
  size_t listed_files = 0;
  for (const auto& e : fs::directory_iterator(kCorpus)) listed_files += e.path().extension() == ".eml";
  EXPECT_EQ(listed_files, all.size()) << "every sample in the corpus is labelled";
  size_t right = 0, bounces = 0, negatives = 0;
  for (const Label& want : all) {
    Label got = classify(want);
    (want.bounce_class == "none" ? negatives : bounces) += 1;
    bool ok = got.bounce_class == want.bounce_class && got.action == want.action;
    EXPECT_EQ(got.bounce_class, want.bounce_class) << want.file;
    EXPECT_EQ(got.action, want.action) << want.file;
    if (want.bounce_class != "none") {
      EXPECT_EQ(got.recipient, want.recipient) << want.file;
      // The delivery is found by the quoted original's X-Tocsin-Delivery or Message-ID where it has one.
      if (want.token == "yes") {
        EXPECT_EQ(got.token, "yes") << want.file;
      }
    }
    right += ok;
  }
  double rate = 100.0 * static_cast<double>(right) / static_cast<double>(all.size());
  std::printf("[ corpus   ] %zu of %zu plain-text samples classified right (%.1f %%; %zu bounces, %zu not)\n",
              right, all.size(), rate, bounces, negatives);
  EXPECT_GE(rate, 95.0);
}

TEST(PlainBounce, QuotedOriginalHeadersAreFoundWhateverTheMarker) {
  auto h = quoted_original_headers(
      "I'm afraid I wasn't able to deliver your message.\n\n--- Below this line is a copy of the message.\n\n"
      "Return-Path: <bounce+abc@mail.example.org>\nMessage-ID: <abc@mail.example.org>\n"
      "X-Tocsin-Delivery: abc\n\nbody X-Tocsin-Delivery: not-a-header\n");
  EXPECT_EQ(h["x-tocsin-delivery"], "abc");
  EXPECT_EQ(h["message-id"], "<abc@mail.example.org>");
  EXPECT_EQ(h["return-path"], "<bounce+abc@mail.example.org>");
}

TEST(PlainBounce, ACodeInTheQuotedOriginalDoesNotDecide) {
  // The notice names no cause; the campaign text below the marker talks of full mailboxes and 4.2.2.
  std::map<std::string, std::string> headers{{"from", "MAILER-DAEMON@mx.example.net"},
                                             {"subject", "failure notice"}};
  auto rs =
      read_plain_bounce(headers,
                        "I'm afraid I wasn't able to deliver your message to the following addresses.\n"
                        "<a@example.net>:\nSorry, no mailbox here by that name. (#5.1.1)\n\n"
                        "--- Below this line is a copy of the message.\n\nSubject: x\n\nIs your mailbox "
                        "full? (4.2.2)\n");
  ASSERT_TRUE(rs);
  EXPECT_EQ(rs->status, "5.1.1");
  EXPECT_EQ(rs->bounce_class, BounceClass::kHard);
  EXPECT_EQ(rs->final_recipient, "a@example.net");
}

}  // namespace
}  // namespace tocsin::email
