// Open and click tracking: signed click and open tokens (email/tracking_links.h), link rewriting in the
// rendered body (messaging/link_tracking.h) and its place in render_email (messaging/render.h).
#include "email/tracking_links.h"

#include <gtest/gtest.h>

#include <regex>

#include "core/ids.h"
#include "messaging/link_tracking.h"
#include "messaging/render.h"
#include "messaging/settings.h"

namespace tocsin {
namespace {

using email::DeliveryRef;
using email::DeliveryTokens;
using email::TokenKey;

constexpr const char* kBase = "https://act.example.org";

struct Keys {
  TokenKey old_key = TokenKey::generate(1), new_key = TokenKey::generate(2);
  DeliveryTokens both{{old_key, new_key}};
};

std::string segment_of(const std::string& url, const std::string& prefix) {
  EXPECT_EQ(url.rfind(prefix, 0), 0u) << url;
  return url.substr(prefix.size());
}

TEST(ClickLinks, RoundTripToTheExactLinkAndDelivery) {
  Keys k;
  DeliveryRef ref{new_uuid(), 41};
  std::string link = "https://example.net/path?a=1&b=two%20words#frag";
  auto url = email::click_url(k.both, std::string(kBase) + "/", ref, link);
  ASSERT_TRUE(url) << url.error().message;
  std::string seg = segment_of(*url, std::string(kBase) + "/t/c/");
  EXPECT_EQ(seg.find('/'), std::string::npos) << "one path segment";
  auto click = email::verify_click(k.both, seg);
  ASSERT_TRUE(click) << click.error().message;
  EXPECT_EQ(click->url, link);
  EXPECT_EQ(click->ref, ref);
}

TEST(ClickLinks, AlteredLinkOrTokenOrSwappedLinkIsRefusedWith404) {
  Keys k;
  DeliveryRef ref{new_uuid(), 3};
  std::string seg = segment_of(*email::click_url(k.both, kBase, ref, "https://example.net/a"),
                               std::string(kBase) + "/t/c/");
  std::string other = segment_of(*email::click_url(k.both, kBase, ref, "https://evil.example/a"),
                                 std::string(kBase) + "/t/c/");
  auto dot = seg.find('.');
  // Another link's bytes beside this token: the MAC covers the link.
  auto swapped = email::verify_click(k.both, seg.substr(0, dot) + other.substr(other.find('.')));
  ASSERT_FALSE(swapped);
  EXPECT_EQ(swapped.error().http_status, 404);
  // Every single-character change, in the token or in the link part, fails.
  const std::string alphabet = "abcdefghijklmnopqrstuvwxyz234567ABCDEFGHIJKLMNOPQRSTUVWXYZ-_";
  for (size_t i = 0; i < seg.size(); ++i) {
    if (seg[i] == '.') continue;
    std::string bad = seg;
    bad[i] = alphabet[(alphabet.find(seg[i]) + 1) % alphabet.size()];
    if (std::tolower(static_cast<unsigned char>(bad[i])) ==
            std::tolower(static_cast<unsigned char>(seg[i])) &&
        i < dot)
      continue;  // base32 is case-insensitive: the same token
    EXPECT_FALSE(email::verify_click(k.both, bad)) << "position " << i;
  }
  EXPECT_FALSE(email::verify_click(k.both, seg.substr(0, dot))) << "no link";
  EXPECT_FALSE(email::verify_click(k.both, "")) << "empty";
  EXPECT_FALSE(email::verify_click(k.both, seg + "AA")) << "appended bytes";
}

TEST(ClickLinks, OtherPurposesAndRetiredKeysDoNotVerify) {
  Keys k;
  DeliveryRef ref{new_uuid(), 3};
  // An open token or a bounce token is no click token, even with a link beside it.
  std::string open_seg = segment_of(*email::open_pixel_url(k.both, kBase, ref), std::string(kBase) + "/t/o/");
  std::string bounce = *k.both.issue(email::TokenPurpose::kBounce, ref);
  std::string link_b64 = segment_of(*email::click_url(k.both, kBase, ref, "https://example.net/a"),
                                    std::string(kBase) + "/t/c/");
  link_b64 = link_b64.substr(link_b64.find('.'));
  EXPECT_FALSE(email::verify_click(k.both, bounce + link_b64));
  EXPECT_FALSE(email::verify_click(k.both, open_seg.substr(0, open_seg.size() - 4) + link_b64));
  EXPECT_FALSE(email::verify_open(k.both, bounce + ".gif"));
  auto opened = email::verify_open(k.both, open_seg);
  ASSERT_TRUE(opened);
  EXPECT_EQ(opened.value(), ref);
  EXPECT_FALSE(email::verify_open(k.both, open_seg.substr(0, open_seg.size() - 4))) << "needs .gif";

  // Signed with the newest key; rotation keeps old links working until their key is retired.
  std::string seg = segment_of(*email::click_url(DeliveryTokens({k.old_key}), kBase, ref, "https://x.org/"),
                               std::string(kBase) + "/t/c/");
  EXPECT_TRUE(email::verify_click(k.both, seg));
  TokenKey retired = k.old_key;
  retired.retired = true;
  EXPECT_FALSE(email::verify_click(DeliveryTokens({retired, k.new_key}), seg));
}

TEST(ClickLinks, OnlyAbsoluteHttpLinksAreTracked) {
  Keys k;
  DeliveryRef ref{new_uuid(), 0};
  EXPECT_TRUE(email::is_trackable_link("https://example.net"));
  EXPECT_TRUE(email::is_trackable_link("HTTP://example.net/x"));
  for (const char* link : {"mailto:a@example.net", "javascript:alert(1)", "/relative", "https:///x",
                           "ftp://x", "tel:+12025550100", ""}) {
    EXPECT_FALSE(email::is_trackable_link(link)) << link;
    EXPECT_FALSE(email::click_url(k.both, kBase, ref, link)) << link;
  }
  EXPECT_FALSE(
      email::click_url(k.both, kBase, ref, "https://x.org/" + std::string(email::kMaxTrackedLink, 'a')));
}

messaging::LinkWrapper marker() {
  return [](const std::string& url) -> std::optional<std::string> {
    if (url.rfind("http", 0) != 0) return std::nullopt;
    return "T(" + url + ")";
  };
}

TEST(RewriteLinks, RewritesHrefsOfAnchorsOnlyAndDecodesReferences) {
  std::string html =
      "<p>A <a href=\"https://example.net/?a=1&amp;b=2\">link</a>, <A class=x HREF='http://x.org/'>two</A>, "
      "<a href=https://bare.example/x>bare</a>, <a href=\"mailto:a@b.c\">mail</a>, "
      "<img src=\"https://img.example/i.png\"> <abbr title=\"href\">t</abbr> <a "
      "data-href=\"https://no.example\" "
      "href=\"https://yes.example\">d</a> <a name=\"top\">anchor</a></p>";
  std::string out = messaging::rewrite_links(html, marker());
  EXPECT_NE(out.find("<a href=\"T(https://example.net/?a=1&amp;b=2)\">link</a>"), std::string::npos) << out;
  EXPECT_NE(out.find("HREF='T(http://x.org/)'"), std::string::npos) << out;
  EXPECT_NE(out.find("href=\"T(https://bare.example/x)\">bare"), std::string::npos) << out;
  EXPECT_NE(out.find("href=\"mailto:a@b.c\""), std::string::npos) << "non-http links stay";
  EXPECT_NE(out.find("<img src=\"https://img.example/i.png\">"), std::string::npos) << "only anchors";
  EXPECT_NE(out.find("data-href=\"https://no.example\" href=\"T(https://yes.example)\""), std::string::npos)
      << out;
  EXPECT_NE(out.find("<a name=\"top\">anchor</a>"), std::string::npos);
  EXPECT_EQ(messaging::rewrite_links("no links <b>here</b> <a", marker()), "no links <b>here</b> <a");
}

TEST(RenderWithTracking, BodyLinksAreTrackedFooterUnsubscribeIsNotAndPixelIsAppended) {
  Keys k;
  DeliveryRef ref{new_uuid(), 9};
  std::string unsubscribe = std::string(kBase) + "/unsubscribe/TOKEN";
  messaging::EmailFrame frame;
  frame.wrapper_header = "<div><a href=\"https://org.example/home\">Home</a></div>";
  frame.postal_address = "1 Main St";
  frame.unsubscribe_url = unsubscribe;
  messaging::add_tracking(frame, k.both, kBase, ref);
  messaging::MergeValues v;
  v.fields["email"] = "ada@example.net";
  auto parts =
      messaging::render_email("Hi",
                              "<p><a href=\"https://example.net/act?e={{email}}\">Act</a> <a href=\"" +
                                  unsubscribe + "\">out</a></p>",
                              frame, v);
  std::smatch m;
  std::string html = parts.html;
  std::regex click(std::string(kBase) + "/t/c/([a-z2-7]+\\.[A-Za-z0-9_-]+)");
  std::vector<std::string> targets;
  for (auto it = std::sregex_iterator(html.begin(), html.end(), click); it != std::sregex_iterator(); ++it) {
    auto c = email::verify_click(k.both, (*it)[1].str());
    ASSERT_TRUE(c);
    EXPECT_EQ(c->ref, ref);
    targets.push_back(c->url);
  }
  EXPECT_EQ(targets, (std::vector<std::string>{"https://org.example/home",
                                               "https://example.net/act?e=ada@example.net"}));
  EXPECT_EQ(html.find("href=\"https://example.net"), std::string::npos) << "no untracked copy: " << html;
  EXPECT_NE(html.find("href=\"" + unsubscribe + "\">out"), std::string::npos)
      << "unsubscribe never rewritten";
  EXPECT_NE(html.find("<a href=\"" + unsubscribe + "\">Unsubscribe</a>"), std::string::npos) << "footer";
  ASSERT_TRUE(std::regex_search(html, m, std::regex(std::string(kBase) + "/t/o/([a-z2-7]+\\.gif)")));
  EXPECT_EQ(email::verify_open(k.both, m[1].str()).value(), ref);
  EXPECT_NE(parts.text.find(std::string(kBase) + "/t/c/"), std::string::npos)
      << "the text part follows the HTML";
  EXPECT_NE(parts.text.find("Unsubscribe: " + unsubscribe), std::string::npos);

  messaging::EmailFrame plain;
  plain.postal_address = "1 Main St";
  plain.unsubscribe_url = unsubscribe;
  auto untracked =
      messaging::render_email("Hi", "<a href=\"https://example.net/?a=1&amp;b=2\">x</a>", plain, v);
  EXPECT_EQ(untracked.html.find("/t/c/"), std::string::npos) << "no tracking unless asked";
  EXPECT_EQ(untracked.html.find("/t/o/"), std::string::npos);
  EXPECT_NE(untracked.html.find("href=\"https://example.net/?a=1&amp;b=2\""), std::string::npos);
  EXPECT_NE(untracked.text.find("x (https://example.net/?a=1&b=2)"), std::string::npos)
      << "the text part shows the URL a browser follows: " << untracked.text;
}

TEST(TrackingSetting, UnsetIsOnExceptWhereGdprAppliesAndAnExplicitChoiceWins) {
  messaging::Settings s;
  EXPECT_TRUE(messaging::tracking_enabled(s, false));
  EXPECT_FALSE(messaging::tracking_enabled(s, true)) << "off by default where the GDPR applies";
  s.tracking = true;
  EXPECT_TRUE(messaging::tracking_enabled(s, true));
  s.tracking = false;
  EXPECT_FALSE(messaging::tracking_enabled(s, false));
  auto decoded = messaging::decode_settings(messaging::encode_settings(s));
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->tracking, std::optional<bool>(false)) << "the choice is stored";
  EXPECT_EQ(messaging::decode_settings(messaging::encode_settings({}))->tracking, std::nullopt);
}

}  // namespace
}  // namespace tocsin
