// Content screening rules one by one (policy/content): positive and negative cases with their reason
// codes, spans, the blocklist formats and its hot reload, and the registrations and verifications that let
// a legitimate message through.
#include <gtest/gtest.h>

#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <thread>

#include "policy/content/blocklist.h"
#include "policy/content/links.h"
#include "policy/content/screener.h"
#include "policy/content/sensitive_data.h"

namespace tocsin::policy::content {
namespace {

Screening sms(std::string_view text, const OrgContext& org = {}) {
  return Screener().screen(Content{true, {}, {}, text, false}, org);
}

TEST(ContentRules, LuhnAndAbaChecksums) {
  EXPECT_TRUE(luhn_valid("4111111111111111"));
  EXPECT_FALSE(luhn_valid("4111111111111112"));
  EXPECT_TRUE(aba_routing_valid("021000021"));
  EXPECT_FALSE(aba_routing_valid("021000022"));
}

TEST(ContentRules, CardNumberSpanIsExactAndMasked) {
  std::string text = "Action Fund: card 4111 1111 1111 1111 charged";
  auto s = sms(text);
  ASSERT_EQ(s.verdict, Verdict::kBlock);
  const Finding* f = s.decisive();
  EXPECT_EQ(f->code, "card_number");
  EXPECT_EQ(text.substr(f->begin, f->end - f->begin), "4111 1111 1111 1111");
  EXPECT_EQ(f->excerpt, "************1111");
  // Not Luhn-valid: an order number, not a card.
  EXPECT_EQ(sms("Action Fund: order 4111 1111 1111 1112 shipped").verdict, Verdict::kPass);
}

TEST(ContentRules, SsnNeedsAValidShapeOrItsName) {
  EXPECT_EQ(sms("SSN: 123-45-6789").decisive()->code, "ssn");
  EXPECT_EQ(sms("call 123-45-6789").decisive()->code, "ssn");  // the dashed shape alone
  EXPECT_EQ(sms("ref 000-12-3456").verdict, Verdict::kPass);   // area 000 is never issued
  EXPECT_EQ(sms("ref 123456789").verdict, Verdict::kPass);     // 9 digits without the name
}

TEST(ContentRules, SpansPointIntoTheOriginalTextPastAccents) {
  std::string text = "Señora García: ¡Envía tu contraseña hoy!";
  auto s = sms(text);
  ASSERT_EQ(s.verdict, Verdict::kBlock);
  const Finding* f = s.decisive();
  EXPECT_EQ(f->code, "credential_request");
  EXPECT_EQ(text.substr(f->begin, f->end - f->begin), "Envía tu contraseña");
}

TEST(ContentRules, ShaftHoldsUnlessRegisteredWithAgeGating) {
  EXPECT_EQ(sms("Action Fund: $5 beers at the fundraiser!").verdict, Verdict::kHold);
  std::set<std::string> gated = {"alcohol"};
  OrgContext org{nullptr, nullptr, &gated};
  auto s = sms("Action Fund: $5 beers at the fundraiser!", org);
  EXPECT_EQ(s.verdict, Verdict::kWarn);
  EXPECT_EQ(s.findings.at(0).code, "shaft_alcohol");
  // Advocacy in the same sentence is not an offer.
  EXPECT_EQ(sms("Action Fund: sign the petition for beer tax relief").verdict, Verdict::kPass);
}

TEST(ContentRules, ImpersonationUnlessVerified) {
  EXPECT_EQ(sms("IRS: you owe back taxes").decisive()->code, "impersonation");
  std::set<std::string> verified = {"irs"};
  OrgContext org{nullptr, &verified, nullptr};
  EXPECT_EQ(sms("IRS: you owe back taxes", org).verdict, Verdict::kPass);
  EXPECT_EQ(sms("Tell the IRS: tax the rich").verdict, Verdict::kPass);
}

TEST(ContentRules, DisplayNameImpersonation) {
  Screener screener;
  auto s = screener.screen(Content{false, "PayPal Support", "Hello", "<p>hi</p>", true}, {});
  ASSERT_EQ(s.verdict, Verdict::kHold);
  EXPECT_EQ(s.decisive()->part, Part::kFrom);
  EXPECT_EQ(screener.screen(Content{false, "Apple Valley Democrats", "Hello", "<p>hi</p>", true}, {}).verdict,
            Verdict::kPass);
}

TEST(ContentRules, ShortenersBlockTextsAndWarnEmail) {
  Screener screener;
  EXPECT_EQ(screener.screen(Content{true, {}, {}, "see bit.ly/x", false}, {}).verdict, Verdict::kBlock);
  EXPECT_EQ(screener.screen(Content{false, {}, {}, "<a href=\"https://bit.ly/x\">x</a>", true}, {}).verdict,
            Verdict::kWarn);
}

TEST(ContentRules, OwnDomainLookalike) {
  std::set<std::string> own = {"actionfund.org"};
  OrgContext org{&own, nullptr, nullptr};
  EXPECT_EQ(sms("Sign: https://actionfund.org/p", org).verdict, Verdict::kPass);
  EXPECT_EQ(sms("Sign: https://actiοnfund.org/p", org).decisive()->code, "lookalike_domain");
  EXPECT_TRUE(is_lookalike("xn--pple-43d.com", "apple.com"));  // Cyrillic а
  EXPECT_FALSE(is_lookalike("www.apple.com", "apple.com"));
}

TEST(ContentRules, LinksAreFoundWithAndWithoutScheme) {
  auto links = extract_links("Go to actionfund.org/vote, or https://x.example.net/a?b=c. Mail me@site.org");
  ASSERT_EQ(links.size(), 2u);
  EXPECT_EQ(links[0].url, "actionfund.org/vote");
  EXPECT_EQ(links[1].host, "x.example.net");
}

TEST(Blocklist, PlainAndCsvFormats) {
  auto plain =
      Blocklist::parse("# comment\nevil.example\nhttp://bad.example.net/\nhttp://host.example/path/x\n");
  ASSERT_TRUE(plain);
  EXPECT_TRUE(plain->blocks_host("evil.example"));
  EXPECT_TRUE(plain->blocks_host("www.evil.example"));
  EXPECT_TRUE(plain->blocks_host("bad.example.net"));
  EXPECT_FALSE(plain->blocks_host("host.example"));
  EXPECT_TRUE(plain->blocks_url("http://HOST.example/path/x"));
  // URLhaus's CSV: '#' header lines, quoted fields.
  auto urlhaus = Blocklist::parse(
      "# abuse.ch URLhaus Database Dump (CSV)\n"
      "# id,dateadded,url,url_status,last_online,threat,tags,urlhaus_link,reporter\n"
      "\"1\",\"2026-12-01 10:00:00\",\"http://malware.example.com/x.exe\",\"online\",\"2026-12-01\","
      "\"malware_download\",\"exe,elf\",\"https://urlhaus.abuse.ch/url/1/\",\"someone\"\n");
  ASSERT_TRUE(urlhaus);
  EXPECT_TRUE(urlhaus->blocks_url("http://malware.example.com/x.exe"));
  EXPECT_FALSE(urlhaus->blocks_host("urlhaus.abuse.ch"));
  // PhishTank's CSV: a header row, then phish_id,url,phish_detail_url,...
  auto phishtank = Blocklist::parse(
      "phish_id,url,phish_detail_url,submission_time,verified,verification_time,online,target\n"
      "123,https://login-bank.example/,http://www.phishtank.com/phish_detail.php?phish_id=123,"
      "2026-12-01T00:00:00+00:00,yes,2026-12-01T00:01:00+00:00,yes,Other\n");
  ASSERT_TRUE(phishtank);
  EXPECT_TRUE(phishtank->blocks_host("login-bank.example"));
  EXPECT_FALSE(phishtank->blocks_host("www.phishtank.com"));
}

TEST(Blocklist, FileIsReloadedWhenItChanges) {
  auto dir = std::filesystem::temp_directory_path() / ("tocsin-blocklist-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto path = dir / "blocklist.txt";
  auto blocklist = std::make_shared<BlocklistFile>(path);
  Screener screener(blocklist);
  const char* text = "Action Fund: see https://evil.example/x";
  EXPECT_EQ(screener.screen(Content{true, {}, {}, text, false}, {}).verdict, Verdict::kPass);
  std::ofstream(path) << "evil.example\n";
  std::filesystem::last_write_time(path,
                                   std::filesystem::file_time_type::clock::now() + std::chrono::seconds(5));
  // The file is looked at no more than once a second.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  auto s = screener.screen(Content{true, {}, {}, text, false}, {});
  EXPECT_EQ(s.verdict, Verdict::kBlock);
  EXPECT_EQ(s.decisive()->code, "blocklisted_domain");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace tocsin::policy::content
