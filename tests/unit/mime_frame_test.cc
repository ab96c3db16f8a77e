// email/mime_frame: the frame's messages are byte for byte those build_message (GMime's object graph)
// writes for the same input and boundary, over generated bodies (quoted-printable, base64 and 7-bit parts,
// CR/LF mixes, "From " lines, long lines, bodies past GMime's 4 KiB stream chunks), addresses and subjects
// around the lengths where GMime folds, and dates; and the direct writer is the one used for ordinary mail.
#include "email/mime_frame.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "email/message_builder.h"

namespace tocsin::email {
namespace {

constexpr Micros kDate = 1'790'000'000'000'000;

RenderedEmail shared_fields() {
  RenderedEmail e;
  e.from_address = "team@news.example.org";
  e.from_name = "Campaign Team \xe2\x80\x94 Springfield";
  e.subject = "Rally on Saturday \xe2\x80\x94 bring a friend";
  e.boundary = "=-frame0123456789abcdef";
  return e;
}

RenderedEmail recipient(int i) {
  RenderedEmail e = shared_fields();
  e.to_address = "person" + std::to_string(i) + "@example.net";
  e.message_id = "m1." + std::to_string(i) + "@news.example.org";
  e.list_unsubscribe_url = "https://act.example.org/unsubscribe/tok" + std::to_string(i);
  e.list_unsubscribe_mailto = "unsubscribe+tok" + std::to_string(i) + "@news.example.org";
  e.extra_headers = {{"X-Tocsin-Delivery", "d" + std::to_string(i)}};
  e.text = "Hello Person " + std::to_string(i) +
           ",\n\nJoin us on Saturday.\n\n--\nUnsubscribe: " + e.list_unsubscribe_url + "\n";
  e.html = "<p>Hello Person " + std::to_string(i) + ",</p><p>Join us on <b>Saturday</b>.</p>";
  return e;
}

// Pieces a body is made of: what changes GMime's choice of transfer encoding or its line handling.
std::string random_body(std::mt19937& rng) {
  static const std::vector<std::string> kPieces = {"word ",
                                                   "Hello",
                                                   " ",
                                                   "\t",
                                                   "\n",
                                                   "\r\n",
                                                   "\r",
                                                   "From here\n",
                                                   "\nFrom ",
                                                   ".",
                                                   "\n.\n",
                                                   "=",
                                                   "=-",
                                                   "caf\xc3\xa9 ",
                                                   "\xe2\x80\x94",
                                                   "\xf0\x9f\x98\x80",
                                                   std::string(1, '\0'),
                                                   "\xff",
                                                   "<a href=\"x\">",
                                                   "  \n",
                                                   "end of line   \n",
                                                   std::string(120, 'a'),
                                                   std::string(1100, 'b'),
                                                   "=?utf-8?q?x?="};
  std::uniform_int_distribution<size_t> piece(0, kPieces.size() - 1), count(0, 400);
  // Most bodies stay 7-bit or mostly ASCII; some go dense in 8-bit bytes (base64).
  std::string out;
  size_t n = count(rng);
  bool ascii_only = rng() % 3 == 0;
  for (size_t i = 0; i < n; ++i) {
    const std::string& p = kPieces[piece(rng)];
    bool eight_bit = false;
    for (unsigned char c : p) eight_bit |= c >= 0x80 || c == 0;
    if (ascii_only && eight_bit) continue;
    if (p.size() > 1000 && rng() % 4) continue;  // keep the very long lines rarer
    out += p;
  }
  return out;
}

TEST(MimeFrameTest, SameBytesAsGMimeForAnOrdinaryBlastMessage) {
  auto frame = MimeFrame::make(shared_fields());
  ASSERT_TRUE(frame.ok()) << frame.error().message;
  for (int i = 0; i < 5; ++i) {
    RenderedEmail e = recipient(i);
    ASSERT_TRUE(frame->fits(e));
    ASSERT_TRUE(frame->encode_body(e.text, e.html).has_value());
    auto want = build_message(e, kDate);
    auto got = frame->build(e, kDate);
    ASSERT_TRUE(want.ok() && got.ok());
    EXPECT_EQ(got.value(), want.value());
    EXPECT_NE(got->find("To: person" + std::to_string(i) + "@example.net\r\n"), std::string::npos);
    EXPECT_NE(got->find("boundary=\"=-frame0123456789abcdef\""), std::string::npos);
  }
}

TEST(MimeFrameTest, SameBytesAsGMimeOverGeneratedBodies) {
  auto frame = MimeFrame::make(shared_fields());
  ASSERT_TRUE(frame.ok());
  std::mt19937 rng(16);
  int direct = 0;
  for (int i = 0; i < 600; ++i) {
    RenderedEmail e = recipient(i);
    e.text = random_body(rng);
    e.html = random_body(rng);
    if (e.text.empty() && e.html.empty()) e.text = "x";
    if (i % 7 == 0) e.text.clear();
    if (i % 11 == 0) e.html.clear();
    if (e.text.empty() && e.html.empty()) e.html = "<p>x</p>";
    if (i % 5 == 0) e.list_unsubscribe_url.clear();
    if (i % 13 == 0) e.list_unsubscribe_mailto.clear();
    Micros date = kDate + static_cast<Micros>(rng() % (400LL * 86400)) * 1'000'000;
    auto want = build_message(e, date);
    auto got = frame->build(e, date);
    ASSERT_TRUE(want.ok()) << want.error().message;
    ASSERT_TRUE(got.ok()) << got.error().message;
    ASSERT_EQ(got.value(), want.value()) << "case " << i;
    direct += frame->fits(e) && frame->encode_body(e.text, e.html).has_value();
  }
  EXPECT_GT(direct, 550);  // only a 7-bit part containing the boundary leaves the direct writer
}

TEST(MimeFrameTest, SameBytesAsGMimeAroundFoldingLengths) {
  auto frame = MimeFrame::make(shared_fields());
  ASSERT_TRUE(frame.ok());
  for (size_t len = 50; len <= 100; ++len) {
    RenderedEmail e = recipient(1);
    std::string local = "a" + std::string(len > 13 ? len - 13 : 1, 'b');
    e.to_address = local + "@example.net";
    e.subject = std::string(len - 40, 'S') + " and words " + std::string(20, 'w');
    auto want = build_message(e, kDate);
    auto got = frame->build(e, kDate);
    ASSERT_TRUE(want.ok() && got.ok());
    EXPECT_EQ(got.value(), want.value()) << "length " << len;
  }
  // Addresses and subjects the direct writer leaves to GMime, and subjects it writes itself.
  for (std::string subject :
       {"Hi Ada", "Hi  Ada", " Hi", "Hi =?utf-8?q?x?=", "Hi Jos\xc3\xa9", "a:b;c,d\"e"}) {
    RenderedEmail e = recipient(2);
    e.subject = subject;
    EXPECT_EQ(frame->build(e, kDate).value(), build_message(e, kDate).value()) << subject;
  }
  for (std::string to :
       {"\"quoted local\"@example.net", "a..b@example.net", ".a@example.net", "a.@example.net",
        "ada@bücher.example", "o'brien+tag@example.net", "x@[127.0.0.1]"}) {
    RenderedEmail e = recipient(3);
    e.to_address = to;
    auto want = build_message(e, kDate);
    auto got = frame->build(e, kDate);
    ASSERT_EQ(want.ok(), got.ok()) << to;
    if (want.ok()) {
      EXPECT_EQ(got.value(), want.value()) << to;
    }
  }
}

TEST(MimeFrameTest, SharedFieldsVariants) {
  for (auto [name, reply_to] :
       {std::pair<std::string, std::string>{"", ""},
        {"Ada \xc3\xa9", "replies@example.org"},
        {"A very long display name that will have to be folded somewhere along", ""}}) {
    RenderedEmail shared = shared_fields();
    shared.from_name = name;
    shared.reply_to = reply_to;
    auto frame = MimeFrame::make(shared);
    ASSERT_TRUE(frame.ok());
    RenderedEmail e = recipient(4);
    e.from_name = name;
    e.reply_to = reply_to;
    ASSERT_TRUE(frame->fits(e));
    EXPECT_EQ(frame->build(e, kDate).value(), build_message(e, kDate).value()) << name;
  }
}

TEST(MimeFrameTest, APartContainingTheBoundaryGetsAnotherOne) {
  auto frame = MimeFrame::make(shared_fields());
  ASSERT_TRUE(frame.ok());
  RenderedEmail e = recipient(6);
  e.text = "a line\n--" + frame->boundary() + "\nthat looks like a boundary\n";
  EXPECT_FALSE(frame->encode_body(e.text, e.html).has_value());
  auto got = frame->build(e, kDate);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->find("boundary=\"" + frame->boundary() + "\""), std::string::npos);
  EXPECT_NE(got->find("boundary=\"=-"), std::string::npos);
  EXPECT_NE(got->find("--" + frame->boundary() + "\r\nthat looks"), std::string::npos);
}

TEST(MimeFrameTest, RefusesWhatBuildMessageRefuses) {
  auto frame = MimeFrame::make(shared_fields());
  ASSERT_TRUE(frame.ok());
  RenderedEmail e = recipient(5);
  e.extra_headers = {{"X-Tocsin-Delivery", "d5\r\nBcc: victim@example.net"}};
  EXPECT_FALSE(frame->build(e, kDate).ok());
  e = recipient(5);
  e.message_id = "no-at-sign";
  EXPECT_FALSE(frame->build(e, kDate).ok());
  e = recipient(5);
  e.list_unsubscribe_url = "http://act.example.org/u";
  EXPECT_FALSE(frame->build(e, kDate).ok());
  // A body passed with a message the frame does not hold (here a To display name) is refused, not misused.
  e = recipient(5);
  e.to_name = "Person Five";
  EXPECT_FALSE(frame->fits(e));
  EXPECT_FALSE(frame->build(e, kDate, *frame->encode_body(e.text, e.html)).ok());
  EXPECT_EQ(frame->build(e, kDate).value(), build_message(e, kDate).value());
  RenderedEmail no_boundary = shared_fields();
  no_boundary.boundary.clear();
  EXPECT_FALSE(MimeFrame::make(no_boundary).ok());
}

}  // namespace
}  // namespace tocsin::email
