// Property (issue #10, "close the classes"): every header-bound value of a composed message is free of
// control characters. Messages are composed the way blasts and autoresponses compose them
// (messaging/compose.h) from randomized inputs that put CR, LF, NUL, TAB, ESC, DEL and header look-alikes in
// every field that can reach a header: the person's names (merged into the subject), the subject, the From
// name, From and reply-to addresses, the recipient address, the public URL and mail domain the unsubscribe
// URI and mailto are made of. Whatever they hold, the header block either is not produced (a structural value
// — an address, a URI — is refused) or holds no control character but the CRLF that ends a line, every line
// is a field we write or a fold (starting with a space or tab) of one, and no byte is 8-bit.
#include <gtest/gtest.h>

#include <random>
#include <set>
#include <string>

#include "core/control_chars.h"
#include "core/text.h"
#include "messaging/compose.h"

namespace tocsin::messaging {
namespace {

constexpr Micros kNow = int64_t{1'790'000'000} * 1'000'000;

const std::set<std::string> kFields = {"from",
                                       "to",
                                       "reply-to",
                                       "subject",
                                       "date",
                                       "message-id",
                                       "list-unsubscribe",
                                       "list-unsubscribe-post",
                                       "x-tocsin-delivery",
                                       "mime-version",
                                       "content-type",
                                       "content-transfer-encoding"};

class Inputs {
 public:
  explicit Inputs(uint32_t seed) : rng_(seed) {}

  // Text made of pieces that matter to a header: controls, folding look-alikes, encoded-word look-alikes,
  // non-ASCII, and plain words.
  std::string text(size_t max_pieces = 8) {
    static const char* const kPieces[] = {"Ada",
                                          " ",
                                          "Lovelace",
                                          "\r",
                                          "\n",
                                          "\r\n",
                                          "\r\nBcc: all@example.com",
                                          "\nX-Evil: 1",
                                          "\t",
                                          "\x01",
                                          "\x1b[31m",
                                          "\x7f",
                                          ":",
                                          ";",
                                          ",",
                                          "<",
                                          ">",
                                          "\"",
                                          "=?utf-8?q?x?=",
                                          "é",
                                          "—",
                                          "日本",
                                          "\r\n ",
                                          "\r\n\r\n<html>"};
    std::string out;
    size_t n = pick(max_pieces + 1);
    for (size_t i = 0; i < n; ++i) out += kPieces[pick(std::size(kPieces))];
    if (chance(4)) out += std::string(1, '\0') + "after-nul";
    return out;
  }

  // A field that is structurally clean most of the time, with a control character spliced in otherwise.
  std::string maybe_dirty(const std::string& clean) {
    if (!chance(10)) return clean;
    static const char kControls[] = {'\r', '\n', '\0', '\t', '\x01', '\x7f'};
    std::string out = clean;
    out.insert(pick(out.size() + 1), 1, kControls[pick(std::size(kControls))]);
    return out;
  }

  bool chance(size_t one_in) { return pick(one_in) == 0; }

 private:
  size_t pick(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }
  std::mt19937 rng_;
};

// Empty when the header block keeps the property, else what breaks it.
std::string violation(const std::string& message) {
  size_t end = message.find("\r\n\r\n");
  if (end == std::string::npos) return "no header block";
  std::string head = message.substr(0, end + 2);
  size_t pos = 0;
  while (pos < head.size()) {
    size_t eol = head.find("\r\n", pos);
    std::string line = head.substr(pos, eol - pos);
    pos = eol + 2;
    bool fold = !line.empty() && (line[0] == ' ' || line[0] == '\t');
    if (!fold) {
      size_t colon = line.find(':');
      if (colon == std::string::npos || !kFields.count(lower_ascii(line.substr(0, colon))))
        return "a line that is neither one of our fields nor a fold: " + line;
    }
    for (size_t i = 0; i < line.size(); ++i) {
      auto c = static_cast<unsigned char>(line[i]);
      if (c >= 0x80) return "an 8-bit byte in: " + line;
      if (is_ascii_control(line[i]) && !(c == '\t' && i == 0 && fold))
        return "control character " + std::to_string(c) + " in: " + line;
    }
  }
  return {};
}

TEST(HeaderProperty, NoControlCharacterReachesTheHeaderBlock) {
  Inputs in(20261204);
  int composed = 0, refused = 0;
  for (int64_t i = 0; i < 3000; ++i) {
    MailLinks links;
    // Only an https URL becomes List-Unsubscribe, so the scheme stays whole.
    links.public_url = "https://" + in.maybe_dirty("act.example.org");
    links.mail_domain = in.maybe_dirty("news.example.org");
    MailContent content;
    content.subject = in.text() + " {{given_name}} " + in.text(3) + "{{family_name}}";
    content.body_html = "<p>Hello {{given_name}}</p>";
    content.from_name = in.text();
    content.from_address = in.maybe_dirty("team@news.example.org");
    content.reply_to = in.chance(2) ? std::string() : in.maybe_dirty("replies@news.example.org");
    content.postal_address = "1 Main St, Springfield, IL 62701";
    MergeValues values;
    values.fields["given_name"] = in.text();
    values.fields["family_name"] = in.text();
    std::string to = in.maybe_dirty("ada@example.net");
    bool structural_dirty = has_ascii_control(links.public_url) || has_ascii_control(links.mail_domain) ||
                            has_ascii_control(content.from_address) || has_ascii_control(content.reply_to) ||
                            has_ascii_control(to);
    auto built = compose_email(links, content, nullptr, "org-1", "person-1", to, {"m1", i}, values, kNow);
    if (!built) {
      ++refused;
      EXPECT_TRUE(structural_dirty) << "only a structural value may be refused; names and subjects are "
                                       "cleaned: "
                                    << built.error().message << "\nsubject: " << content.subject;
      continue;
    }
    ++composed;
    EXPECT_FALSE(structural_dirty) << "a control character in an address or URI was let through";
    std::string why = violation(built->data);
    ASSERT_EQ(why, "") << "case " << i << "\n" << built->data.substr(0, built->data.find("\r\n\r\n"));
  }
  // Both branches were exercised.
  EXPECT_GT(composed, 1000);
  EXPECT_GT(refused, 300);
}

}  // namespace
}  // namespace tocsin::messaging
