// email/message_builder: the message parses back with GMime (an independent reader) to what was rendered.
#include <gtest/gtest.h>

#include <string>

#include "email/gmime_util.h"
#include "email/message_builder.h"

namespace tocsin::email {
namespace {

constexpr Micros kDate = int64_t{1'790'000'000} * 1'000'000;  // 2026-09-21T14:13:20Z

RenderedEmail sample() {
  RenderedEmail e;
  e.from_address = "team@news.example.org";
  e.from_name = "Équipe Campagne";
  e.reply_to = "replies@news.example.org";
  e.to_address = "ada@example.net";
  e.to_name = "Ada Lovelace";
  e.subject = "Rassemblement samedi — venez nombreux";
  e.text = "Bonjour Ada,\nRendez-vous samedi à la mairie.\n";
  e.html = "<p>Bonjour Ada,</p><p>Rendez-vous <b>samedi</b> à la mairie.</p>\n";
  e.list_unsubscribe_url = "https://act.example.org/u/TOKEN";
  e.list_unsubscribe_mailto = "unsubscribe+TOKEN@news.example.org";
  e.message_id = "m1.d42@news.example.org";
  e.extra_headers = {{"X-Tocsin-Delivery", "d42"}};
  return e;
}

// A parsed message, released at scope end.
struct Parsed {
  explicit Parsed(const std::string& raw) {
    ensure_gmime();
    Ref<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(raw.data(), raw.size()));
    Ref<GMimeParser> parser(g_mime_parser_new_with_stream(stream.p));
    msg = g_mime_parser_construct_message(parser.p, nullptr);
  }
  ~Parsed() {
    if (msg) g_object_unref(msg);
  }
  std::string header(const char* name) const {
    const char* v = g_mime_object_get_header(GMIME_OBJECT(msg), name);
    return v ? v : "";
  }
  // The decoded text of the first part with this content subtype (plain/html), or "(none)".
  std::string part_text(const char* subtype) const {
    GMimeObject* body = g_mime_message_get_mime_part(msg);
    auto text_of = [&](GMimeObject* o) -> std::string {
      if (!GMIME_IS_TEXT_PART(o) ||
          !g_mime_content_type_is_type(g_mime_object_get_content_type(o), "text", subtype))
        return "(none)";
      char* t = g_mime_text_part_get_text(GMIME_TEXT_PART(o));
      std::string out;
      for (const char* c = t ? t : ""; *c; ++c) {
        if (*c != '\r') out += *c;  // the wire form has CRLF line ends; the rendered text had LF
      }
      g_free(t);
      return out;
    };
    if (!GMIME_IS_MULTIPART(body)) return text_of(body);
    for (int i = 0; i < g_mime_multipart_get_count(GMIME_MULTIPART(body)); ++i) {
      std::string t = text_of(g_mime_multipart_get_part(GMIME_MULTIPART(body), i));
      if (t != "(none)") return t;
    }
    return "(none)";
  }
  GMimeMessage* msg = nullptr;
};

TEST(MessageBuilder, HeadersParseBackDecoded) {
  std::string raw = build_message(sample(), kDate).value();
  Parsed p(raw);
  ASSERT_NE(p.msg, nullptr);
  InternetAddressList* from = g_mime_message_get_from(p.msg);
  ASSERT_EQ(internet_address_list_length(from), 1);
  InternetAddress* a = internet_address_list_get_address(from, 0);
  EXPECT_STREQ(internet_address_get_name(a), "Équipe Campagne");
  EXPECT_STREQ(internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(a)), "team@news.example.org");
  EXPECT_STREQ(g_mime_message_get_subject(p.msg), "Rassemblement samedi — venez nombreux");
  EXPECT_STREQ(g_mime_message_get_message_id(p.msg), "m1.d42@news.example.org");
  EXPECT_NE(p.header("To").find("ada@example.net"), std::string::npos);
  EXPECT_NE(p.header("Reply-To").find("replies@news.example.org"), std::string::npos);
  EXPECT_EQ(p.header("Date"), "Mon, 21 Sep 2026 14:13:20 +0000");
  EXPECT_EQ(p.header("MIME-Version"), "1.0");
  EXPECT_EQ(p.header("X-Tocsin-Delivery"), "d42");
  EXPECT_EQ(p.header("List-Unsubscribe-Post"), "List-Unsubscribe=One-Click");
  std::string lu = p.header("List-Unsubscribe");
  EXPECT_NE(lu.find("<https://act.example.org/u/TOKEN>"), std::string::npos) << lu;
  EXPECT_NE(lu.find("<mailto:unsubscribe+TOKEN@news.example.org>"), std::string::npos) << lu;
  EXPECT_LT(lu.find("https:"), lu.find("mailto:")) << "RFC 8058 clients take the https URI; it comes first";
}

TEST(MessageBuilder, NonAsciiHeadersAreEncodedOnTheWire) {
  std::string raw = build_message(sample(), kDate).value();
  std::string head = raw.substr(0, raw.find("\r\n\r\n"));
  for (unsigned char c : head) ASSERT_LT(c, 0x80) << "raw 8-bit byte in the header block";
  EXPECT_NE(head.find("From: =?UTF-8?"), std::string::npos) << head;
  EXPECT_NE(head.find("Subject: Rassemblement samedi =?UTF-8?"), std::string::npos) << head;
}

TEST(MessageBuilder, LinesEndInCrlfAndBodiesAre7Bit) {
  std::string raw = build_message(sample(), kDate).value();
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '\n') {
      ASSERT_TRUE(i > 0 && raw[i - 1] == '\r') << "bare LF at " << i;
    }
    ASSERT_LT(static_cast<unsigned char>(raw[i]), 0x80) << "8-bit byte at " << i;
  }
  EXPECT_GE(raw.find("\r\n\r\n"), 0u);
}

TEST(MessageBuilder, TextAndHtmlFormAnAlternativeWithTextFirst) {
  std::string raw = build_message(sample(), kDate).value();
  Parsed p(raw);
  GMimeObject* body = g_mime_message_get_mime_part(p.msg);
  ASSERT_TRUE(GMIME_IS_MULTIPART(body));
  EXPECT_TRUE(g_mime_content_type_is_type(g_mime_object_get_content_type(body), "multipart", "alternative"));
  ASSERT_EQ(g_mime_multipart_get_count(GMIME_MULTIPART(body)), 2);
  GMimeObject* first = g_mime_multipart_get_part(GMIME_MULTIPART(body), 0);
  EXPECT_TRUE(g_mime_content_type_is_type(g_mime_object_get_content_type(first), "text", "plain"));
  EXPECT_STREQ(g_mime_object_get_content_type_parameter(first, "charset"), "utf-8");
  EXPECT_EQ(p.part_text("plain"), sample().text);
  EXPECT_EQ(p.part_text("html"), sample().html);
}

TEST(MessageBuilder, ASingleBodyIsNotWrapped) {
  RenderedEmail text_only = sample();
  text_only.html.clear();
  Parsed t(build_message(text_only, kDate).value());
  EXPECT_FALSE(GMIME_IS_MULTIPART(g_mime_message_get_mime_part(t.msg)));
  EXPECT_EQ(t.part_text("plain"), text_only.text);

  RenderedEmail html_only = sample();
  html_only.text.clear();
  Parsed h(build_message(html_only, kDate).value());
  EXPECT_EQ(h.part_text("html"), html_only.html);
  EXPECT_EQ(h.part_text("plain"), "(none)");
}

TEST(MessageBuilder, WithoutUnsubscribeAddressesTheHeadersAreAbsent) {
  RenderedEmail e = sample();
  e.list_unsubscribe_url.clear();
  e.list_unsubscribe_mailto = "mailto:unsubscribe@news.example.org";
  e.reply_to.clear();
  Parsed p(build_message(e, kDate).value());
  EXPECT_EQ(p.header("List-Unsubscribe"), "<mailto:unsubscribe@news.example.org>");
  EXPECT_EQ(p.header("List-Unsubscribe-Post"), "") << "one-click needs an https URI";
  EXPECT_EQ(p.header("Reply-To"), "");

  e.list_unsubscribe_mailto.clear();
  Parsed none(build_message(e, kDate).value());
  EXPECT_EQ(none.header("List-Unsubscribe"), "");
}

TEST(MessageBuilder, SameInputSameMessage) {
  EXPECT_EQ(build_message(sample(), kDate).value().substr(0, 200),
            build_message(sample(), kDate).value().substr(0, 200));
}

// The head of a built message: everything before the empty line, with its final CRLF.
std::string head_of(const std::string& raw) {
  return raw.substr(0, raw.find("\r\n\r\n") + 2);
}

// Issue #10 item 6: GMime folded a long List-Unsubscribe as RFC 2047 free text
// (`=?us-ascii?Q?=3Chttps=3A...?=`), which no mailbox provider reads as a URI. The wire form is checked byte
// for byte: each item whole on its line, folded only after the comma between items (RFC 2369 §2).
TEST(MessageBuilder, ListUnsubscribeIsRawOnTheWireFoldedOnlyBetweenItems) {
  RenderedEmail e = sample();
  e.list_unsubscribe_url = "https://act.example.org/unsubscribe/" + std::string(90, 'A') + "-_x";
  e.list_unsubscribe_mailto = "unsubscribe+" + std::string(50, 'b') + "@news.example.org";
  e.message_id = std::string(50, 'c') + "@news.example.org";
  e.extra_headers = {{"X-Tocsin-Delivery", std::string(50, 'd')}};
  std::string head = head_of(build_message(e, kDate).value());
  std::string lu = "\r\nList-Unsubscribe: <" + e.list_unsubscribe_url +
                   ">,\r\n <mailto:" + e.list_unsubscribe_mailto +
                   ">\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n";
  EXPECT_NE(head.find(lu), std::string::npos) << head;
  EXPECT_NE(head.find("\r\nMessage-Id: <" + e.message_id + ">\r\n"), std::string::npos) << head;
  EXPECT_NE(head.find("\r\nX-Tocsin-Delivery: " + std::string(50, 'd') + "\r\n"), std::string::npos) << head;
  EXPECT_EQ(head.find("=?us-ascii"), std::string::npos) << head;

  e.list_unsubscribe_url.clear();
  head = head_of(build_message(e, kDate).value());
  EXPECT_NE(head.find("\r\nList-Unsubscribe: <mailto:" + e.list_unsubscribe_mailto + ">\r\n"),
            std::string::npos)
      << head;
  EXPECT_EQ(head.find("List-Unsubscribe-Post"), std::string::npos) << head;
}

// A person's name reaches the subject through merge fields and the To display name; a stray control
// character in it costs a space, not the person's mail (the delivery used to fail with "a header value
// contains a line break").
TEST(MessageBuilder, ControlCharactersInFreeTextBecomeSpaces) {
  RenderedEmail e = sample();
  e.subject = std::string("Hi Ada\r\nBcc: everyone@example.com\t\x01") + "!";
  e.to_name = "Ada\nX-Evil: 1";
  e.from_name = std::string("Team\0Evil", 9);
  std::string raw = build_message(e, kDate).value();
  std::string head = head_of(raw);
  EXPECT_EQ(head.find("\r\nBcc:"), std::string::npos) << head;
  EXPECT_EQ(head.find("\r\nX-Evil:"), std::string::npos) << head;
  Parsed p(raw);
  EXPECT_STREQ(g_mime_message_get_subject(p.msg), "Hi Ada  Bcc: everyone@example.com  !");
  InternetAddress* from = internet_address_list_get_address(g_mime_message_get_from(p.msg), 0);
  EXPECT_STREQ(internet_address_get_name(from), "Team Evil");
}

TEST(MessageBuilder, BadInputIsRefusedNotInjected) {
  auto refused = [](auto edit) {
    RenderedEmail e = sample();
    edit(e);
    auto r = build_message(e, kDate);
    return !r.ok() && r.error().http_status == 400;
  };
  EXPECT_TRUE(refused([](RenderedEmail& e) { e.to_address = "ada@example.net\r\nBcc: x@example.com"; }));
  EXPECT_TRUE(refused([](RenderedEmail& e) { e.reply_to = "r@example.org\nX-Evil: 1"; }));
  EXPECT_TRUE(refused([](RenderedEmail& e) { e.message_id = "m1@x\r\nX-Evil: 1"; }));
  EXPECT_TRUE(refused([](RenderedEmail& e) { e.message_id = "no-domain"; }));
  EXPECT_TRUE(
      refused([](RenderedEmail& e) { e.list_unsubscribe_url = "https://a.example/u/T>, <http://evil"; }));
  EXPECT_TRUE(refused([](RenderedEmail& e) { e.list_unsubscribe_mailto = "u@x.example\r\nX-Evil: 1"; }));
  EXPECT_TRUE(refused([](RenderedEmail& e) { e.extra_headers = {{"X-Ok", "a\rb"}}; }));
  EXPECT_TRUE(refused([](RenderedEmail& e) { e.extra_headers = {{"X-Ok", "two words"}}; }));
  EXPECT_TRUE(refused([](RenderedEmail& e) { e.extra_headers = {{"Bad Name", "v"}}; }));
  EXPECT_TRUE(refused([](RenderedEmail& e) { e.extra_headers = {{"X-Colon:", "v"}}; }));
  EXPECT_TRUE(refused([](RenderedEmail& e) { e.to_address.clear(); }));
  EXPECT_TRUE(refused([](RenderedEmail& e) { e.from_address.clear(); }));
  EXPECT_TRUE(refused([](RenderedEmail& e) { e.message_id = "<m1@x>"; }));
  EXPECT_TRUE(refused([](RenderedEmail& e) { e.list_unsubscribe_url = "http://act.example.org/u/T"; }));
  EXPECT_TRUE(refused([](RenderedEmail& e) {
    e.text.clear();
    e.html.clear();
  }));
}

}  // namespace
}  // namespace tocsin::email
