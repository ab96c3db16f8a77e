// Abuse reports (messaging/abuse_case.h): what a report must say, how its target is normalized, and the
// case document's round trip.
#include <gtest/gtest.h>

#include "messaging/abuse_case.h"

namespace tocsin::messaging {
namespace {

TEST(AbuseReport, NeedsAKnownSubjectATargetAndText) {
  EXPECT_EQ(make_abuse_report("person", "x", "y").error().http_status, 400);
  EXPECT_EQ(make_abuse_report("page", "  ", "y").error().http_status, 400);
  EXPECT_EQ(make_abuse_report("page", "https://a.example/o/x/petitions/y", " \n ").error().http_status, 400);
  EXPECT_EQ(make_abuse_report("page", std::string(kAbuseTargetMax + 1, 'a'), "y").error().http_status, 400);
  EXPECT_EQ(make_abuse_report("page", "a\nb", "y").error().http_status, 400) << "no control characters";
  EXPECT_EQ(make_abuse_report("page", "u", std::string(kAbuseTextMax + 1, 'a')).error().http_status, 400);
  EXPECT_EQ(make_abuse_report("page", "u", "\xff\xfe").error().http_status, 400) << "not UTF-8";
  EXPECT_EQ(make_abuse_report("number", "not a number", "y").error().http_status, 400);
  auto ok = make_abuse_report(" Page ", " https://a.example/o/x/petitions/y ", " fake bank ");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->about, "page");
  EXPECT_EQ(ok->target, "https://a.example/o/x/petitions/y");
  EXPECT_EQ(ok->text, "fake bank");
}

TEST(AbuseReport, NumbersAreNormalized) {
  EXPECT_EQ(make_abuse_report("number", "(202) 555-0100", "y")->target, "+12025550100");
  EXPECT_EQ(make_abuse_report("number", "12345", "y")->target, "12345") << "a short code as its digits";
}

TEST(AbuseCase, RoundTripsAsADocument) {
  AbuseCase c = make_abuse_report("message", "m-1", "never signed up").value();
  c.id = "case-1";
  c.org_id = "org-1";
  c.source = "web";
  c.opened = 1'760'000'000'000'000;
  c.status = "closed";
  c.resolution = "sender disabled";
  c.closed_by = "cli:ann";
  c.closed = c.opened + 1;
  auto back = decode_abuse_case(encode_abuse_case(c));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->id, "case-1");
  EXPECT_EQ(back->org_id, "org-1");
  EXPECT_EQ(back->about, "message");
  EXPECT_EQ(back->target, "m-1");
  EXPECT_EQ(back->text, "never signed up");
  EXPECT_EQ(back->status, "closed");
  EXPECT_EQ(back->resolution, "sender disabled");
  EXPECT_EQ(back->closed, c.opened + 1);
  EXPECT_NE(abuse_case_json(c).find("\"resolution\":\"sender disabled\""), std::string::npos)
      << abuse_case_json(c);
}

}  // namespace
}  // namespace tocsin::messaging
