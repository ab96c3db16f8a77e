// Contact point normalization is the identity of an address: these tests pin what counts as "the same"
// email or phone number, what is refused (with a short, client-safe 400), and the keyed hash built on it.
#include <gtest/gtest.h>
#include <sodium.h>

#include <string>
#include <vector>

#include "core/contact_point.h"

namespace tocsin {
namespace {

using namespace std::string_literals;

// ---- email -------------------------------------------------------------------------------------------

TEST(EmailNormalize, AcceptsAndNormalizes) {
  struct Case {
    std::string in, out;
  };
  const std::vector<Case> cases = {
      {"ada@example.org", "ada@example.org"},
      {"  ada@example.org  ", "ada@example.org"},
      {"\t ada@example.org\r\n", "ada@example.org"},
      {"ada@EXAMPLE.ORG", "ada@example.org"},
      {"Ada.Lovelace@Example.Org", "Ada.Lovelace@example.org"},  // local part keeps its case
      {"user+tag@sub.example.co.uk", "user+tag@sub.example.co.uk"},
      {"o'brien@example.ie", "o'brien@example.ie"},
      {"first_last-1@my-domain.example.com", "first_last-1@my-domain.example.com"},
      {"a!#$%&*/=?^`{|}~@example.org", "a!#$%&*/=?^`{|}~@example.org"},
      {"a@b.co", "a@b.co"},
      {"x@123.example", "x@123.example"},
      {"ada@xn--bcher-kva.example", "ada@xn--bcher-kva.example"},  // IDN already in punycode
      {"ada@XN--BCHER-KVA.Example", "ada@xn--bcher-kva.example"},
  };
  for (const auto& c : cases) {
    auto r = normalize_email(c.in);
    ASSERT_TRUE(r.ok()) << c.in << ": " << r.error().message;
    EXPECT_EQ(*r, c.out) << c.in;
  }
}

TEST(EmailNormalize, IsIdempotent) {
  auto once = normalize_email("  Ada@Example.ORG ");
  ASSERT_TRUE(once.ok());
  auto twice = normalize_email(*once);
  ASSERT_TRUE(twice.ok());
  EXPECT_EQ(*once, *twice);
}

TEST(EmailNormalize, RejectsMalformed) {
  const std::vector<std::string> bad = {
      "",
      "   ",
      "plainaddress",
      "@example.org",
      "ada@",
      "@",
      "ada@@example.org",
      "ada@b@example.org",
      "ada@localhost",  // no dot in the domain
      "ada@example..org",
      "ada@.example.org",
      "ada@example.org.",
      "a..b@example.org",
      ".ada@example.org",
      "ada.@example.org",
      "ada lovelace@example.org",
      "ada@exa mple.org",
      "ada,b@example.org",
      "ada@example.org,bob@example.org",
      "<ada@example.org>",
      "Ada <ada@example.org>",
      "ada@example.org>",
      "\"ada\"@example.org",  // quoted local parts are not supported
      "ada(comment)@example.org",
      "ada@exa_mple.org",
      "ada@-example.org",
      "ada@example-.org",
      "ada@[192.0.2.1]",
      "ada@192.0.2.1",
      "ada@example.org;",
      "ada\x01@example.org",
      "ada@exam\x7fple.org",
      "ada@example.org\x0b",  // vertical tab is not trimmed
      "ada\n@example.org",
      "ada@example.org\0x"s,  // embedded NUL
      "ada@b\xc3\xbc"
      "cher.example",            // U-label IDN: must arrive as punycode
      "ad\xc3\xa4@example.org",  // non-ASCII local part
      "ada\xef\xbc\xa0"
      "example.org",                  // fullwidth at sign
      "ada@example.org\xe2\x80\x8b",  // trailing zero-width space
      "\xff\xfe@example.org",         // not UTF-8 at all
  };
  for (const auto& in : bad) {
    auto r = normalize_email(in);
    EXPECT_FALSE(r.ok()) << "accepted: " << in;
    if (!r.ok()) {
      EXPECT_EQ(r.error().http_status, 400) << in;
    }
  }
}

TEST(EmailNormalize, LengthLimits) {
  const std::string local64(64, 'a');
  EXPECT_TRUE(normalize_email(local64 + "@example.org").ok());
  EXPECT_FALSE(normalize_email(local64 + "a@example.org").ok());

  const std::string label63(63, 'b');
  EXPECT_TRUE(normalize_email("a@" + label63 + ".org").ok());
  EXPECT_FALSE(normalize_email("a@" + label63 + "b.org").ok());

  // 254 octets in total is the most an SMTP path allows.
  std::string domain = label63 + "." + label63 + "." + label63 + "." + std::string(56, 'c') + ".org";
  std::string addr = "a@" + domain;
  ASSERT_EQ(addr.size(), 254u);
  EXPECT_TRUE(normalize_email(addr).ok());
  EXPECT_TRUE(normalize_email("  " + addr + "\n").ok());  // surrounding whitespace does not count
  EXPECT_FALSE(normalize_email("ab@" + domain).ok());

  EXPECT_FALSE(normalize_email(std::string(100000, 'x') + "@example.org").ok());
}

TEST(EmailNormalize, ErrorMessageIsShortAndSafe) {
  auto r = normalize_email("nope");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().http_status, 400);
  EXPECT_EQ(r.error().message, "invalid email address: \"nope\"");

  auto ctl = normalize_email("a\"b\n\xc3\xa4@x");
  ASSERT_FALSE(ctl.ok());
  EXPECT_EQ(ctl.error().message, "invalid email address: \"a\\x22b\\x0a\\xc3\\xa4@x\"");

  auto huge = normalize_email(std::string(5000, 'x'));
  ASSERT_FALSE(huge.ok());
  EXPECT_LT(huge.error().message.size(), 120u);
  EXPECT_NE(huge.error().message.find("...\""), std::string::npos);
}

// ---- phone -------------------------------------------------------------------------------------------

struct PhoneCase {
  std::string in, region, out;
};

TEST(PhoneNormalize, AcceptsCommonFormsAsE164) {
  const std::vector<PhoneCase> cases = {
      {"+12025550100", "US", "+12025550100"},
      {"12025550100", "US", "+12025550100"},  // Action Network's display form
      {"2025550100", "US", "+12025550100"},
      {"(202) 555-0100", "US", "+12025550100"},
      {"202-555-0100", "US", "+12025550100"},
      {"202.555.0100", "US", "+12025550100"},
      {"202/555-0100", "US", "+12025550100"},
      {"+1 (202) 555-0100", "US", "+12025550100"},
      {"1 202 555 0100", "US", "+12025550100"},
      {"  +1 202 555 0100\t\r\n", "US", "+12025550100"},
      {"(202) 555-0100", "us", "+12025550100"},  // region code case does not matter
      {"011 44 20 7946 0018", "US", "+442079460018"},
      // Digits with a foreign country code and no '+' are retried as international.
      {"442079460018", "US", "+442079460018"},
      {"12025550100", "GB", "+12025550100"},
      {"12025550100", "", "+12025550100"},
      {"+12025550100", "", "+12025550100"},
      // A UK number with default region GB.
      {"020 7946 0018", "GB", "+442079460018"},
      {"+44 20 7946 0018", "GB", "+442079460018"},
      {"+44 (0)20 7946 0018", "GB", "+442079460018"},
      {"+44 20 7946 0018", "US", "+442079460018"},
      {"+33 1 42 68 53 00", "US", "+33142685300"},
      {"+49 30 123456", "US", "+4930123456"},
  };
  for (const auto& c : cases) {
    auto r = normalize_phone(c.in, c.region);
    ASSERT_TRUE(r.ok()) << c.in << " [" << c.region << "]: " << r.error().message;
    EXPECT_EQ(*r, c.out) << c.in << " [" << c.region << "]";
  }
}

TEST(PhoneNormalize, ActionNetworkFormMatchesInternationalForm) {
  // libphonenumber 8.12 calls +1 202 123-4444 "possible" but not valid (NANP exchanges cannot start with
  // 1); it is the number in Action Network's documentation, so it must normalize, and identically.
  auto an = normalize_phone("12021234444", "US");
  auto intl = normalize_phone("+1 202 123 4444", "US");
  auto national = normalize_phone("(202) 123-4444", "US");
  auto dashed = normalize_phone("202-123-4444", "US");
  ASSERT_TRUE(an.ok()) << an.error().message;
  ASSERT_TRUE(intl.ok()) << intl.error().message;
  ASSERT_TRUE(national.ok()) << national.error().message;
  ASSERT_TRUE(dashed.ok()) << dashed.error().message;
  EXPECT_EQ(*an, "+12021234444");
  EXPECT_EQ(*intl, *an);
  EXPECT_EQ(*national, *an);
  EXPECT_EQ(*dashed, *an);
}

TEST(PhoneNormalize, PrefersTheDefaultRegionAmongMerelyPossibleReadings) {
  // "+2021234444" would be a possible Egyptian number; the US reading wins.
  auto r = normalize_phone("2021234444", "US");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(*r, "+12021234444");
}

TEST(PhoneNormalize, PossibleButUnassignedNumbersAreAccepted) {
  // Ofcom's drama range 07700 900xxx is not valid per libphonenumber, but has a full UK length.
  auto r = normalize_phone("07700 900123", "GB");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(*r, "+447700900123");
}

TEST(PhoneNormalize, IsIdempotentAndRoundTripsTheDisplayForm) {
  for (const std::string e164 : {"+12025550100", "+12021234444", "+442079460018", "+33142685300"}) {
    auto again = normalize_phone(e164, "US");
    ASSERT_TRUE(again.ok()) << e164;
    EXPECT_EQ(*again, e164);
    auto from_display = normalize_phone(phone_for_display(e164), "");
    ASSERT_TRUE(from_display.ok()) << e164;
    EXPECT_EQ(*from_display, e164);
  }
}

TEST(PhoneNormalize, RejectsGarbage) {
  const std::vector<PhoneCase> cases = {
      {"", "US", ""},
      {"   ", "US", ""},
      {"abc", "US", ""},
      {"+", "US", ""},
      {"-", "US", ""},
      {"()", "US", ""},
      {"1", "US", ""},
      {"911", "US", ""},
      {"555-0100", "US", ""},     // local only: no area code, no E.164 form
      {"+1 555 0100", "US", ""},  // same, libphonenumber says IS_POSSIBLE_LOCAL_ONLY
      {"+1 202 555 010", "US", ""},
      {"+1 202 555 01001", "US", ""},
      {"12345678901234567890123", "US", ""},
      {"+12345678901234567890", "US", ""},
      {"+999 1234567", "US", ""},  // unassigned country code
      {"1-800-FLOWERS", "US", ""},
      {"+1 202 555 0100 x5", "US", ""},
      {"+1 202 555 0100 ext. 5", "US", ""},
      {"202555010a", "US", ""},
      {"tel:+1-202-555-0100", "US", ""},
      {"+1 202 +555 0100", "US", ""},
      {"1+2025550100", "US", ""},
      {"++12025550100", "US", ""},
      {"202_555_0100", "US", ""},
      {"202*555*0100", "US", ""},
      {"(202) 555-0100", "", ""},  // national format without a region
      {"(202) 555-0100", "XX", ""},
      {"(202) 555-0100", "USA", ""},
      {"2025550100\0"s, "US", ""},
      {"202\n555\n0100", "US", ""},
      {"\xef\xbc\x92\xef\xbc\x90\xef\xbc\x92\xef\xbc\x95\xef\xbc\x95\xef\xbc\x95\xef\xbc\x90\xef\xbc\x91"
       "\xef\xbc\x90\xef\xbc\x90",
       "US", ""},  // fullwidth digits
      {"202\xe2\x80\x93"
       "555\xe2\x80\x93"
       "0100",
       "US", ""},                                      // en dashes
      {"+1 202 555 0100 \xf0\x9f\x98\x80", "US", ""},  // emoji
      {"\xff\xfe\xfd", "US", ""},
      {std::string(10000, '1'), "US", ""},
      {std::string(1000, '('), "US", ""},
      {"+1 (202) 555-0100 - - - - - - - - - - - - - -", "US", ""},  // too much junk
  };
  for (const auto& c : cases) {
    auto r = normalize_phone(c.in, c.region);
    EXPECT_FALSE(r.ok()) << "accepted: " << c.in << " [" << c.region << "] as " << (r.ok() ? *r : "");
    if (!r.ok()) {
      EXPECT_EQ(r.error().http_status, 400) << c.in;
    }
  }
}

TEST(PhoneNormalize, ErrorMessageIsShortAndSafe) {
  auto r = normalize_phone("nope", "US");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().http_status, 400);
  EXPECT_EQ(r.error().message, "invalid phone number: \"nope\"");

  auto huge = normalize_phone(std::string(5000, '\x01'), "US");
  ASSERT_FALSE(huge.ok());
  EXPECT_LT(huge.error().message.size(), 300u);
  EXPECT_EQ(huge.error().message.find('\x01'), std::string::npos);
}

TEST(PhoneDisplay, StripsThePlus) {
  EXPECT_EQ(phone_for_display("+12021234444"), "12021234444");
  EXPECT_EQ(phone_for_display("+442079460018"), "442079460018");
  EXPECT_EQ(phone_for_display("12021234444"), "12021234444");
  EXPECT_EQ(phone_for_display(""), "");
}

// ---- channel and hashing -----------------------------------------------------------------------------

TEST(ContactChannel, Names) {
  EXPECT_STREQ(channel_name(Channel::kEmail), "email");
  EXPECT_STREQ(channel_name(Channel::kSms), "sms");
}

std::array<unsigned char, 32> key_of(unsigned char fill) {
  std::array<unsigned char, 32> k;
  for (size_t i = 0; i < k.size(); ++i) k[i] = static_cast<unsigned char>(fill + i);
  return k;
}

TEST(ContactHash, IsStableForTheSameInput) {
  ContactHasher a(key_of(1)), b(key_of(1));
  EXPECT_EQ(a.hash(Channel::kEmail, "ada@example.org"), a.hash(Channel::kEmail, "ada@example.org"));
  EXPECT_EQ(a.hash(Channel::kEmail, "ada@example.org"), b.hash(Channel::kEmail, "ada@example.org"));
  EXPECT_EQ(a.hash(Channel::kSms, "+12025550100"), b.hash(Channel::kSms, "+12025550100"));
}

TEST(ContactHash, DependsOnChannelKeyAndInput) {
  ContactHasher a(key_of(1)), b(key_of(2));
  EXPECT_NE(a.hash(Channel::kEmail, "+12025550100"), a.hash(Channel::kSms, "+12025550100"));
  EXPECT_NE(a.hash(Channel::kEmail, "ada@example.org"), b.hash(Channel::kEmail, "ada@example.org"));
  EXPECT_NE(a.hash(Channel::kEmail, "ada@example.org"), a.hash(Channel::kEmail, "bda@example.org"));
  EXPECT_NE(a.hash(Channel::kEmail, ""), a.hash(Channel::kSms, ""));
}

TEST(ContactHash, IsKeyedBlake2bOverChannelByteAndValue) {
  ASSERT_GE(sodium_init(), 0);
  const auto key = key_of(7);
  for (auto [channel, tag] : {std::pair{Channel::kEmail, '\0'}, std::pair{Channel::kSms, '\1'}}) {
    const std::string input = std::string(1, tag) + "ada@example.org";
    ContactHash expected;
    ASSERT_EQ(crypto_generichash(expected.data(), expected.size(),
                                 reinterpret_cast<const unsigned char*>(input.data()), input.size(),
                                 key.data(), key.size()),
              0);
    EXPECT_EQ(ContactHasher(key).hash(channel, "ada@example.org"), expected);
  }
}

TEST(EmailMatchKey, FoldsTheWholeAddressAndKeepsTheTypedSpelling) {
  auto typed = normalize_email(" Jane.Doe@Example.ORG ");
  ASSERT_TRUE(typed.ok());
  EXPECT_EQ(*typed, "Jane.Doe@example.org");  // as typed, for display and sending
  EXPECT_EQ(email_match_key(*typed), "jane.doe@example.org");
  EXPECT_EQ(email_match_key("jane.doe@example.org"), "jane.doe@example.org");
  EXPECT_TRUE(same_email("Jane.Doe@example.org", "JANE.DOE@example.org"));
  EXPECT_FALSE(same_email("jane.doe@example.org", "jane.do@example.org"));
}

TEST(ContactHash, CaseVariantsOfAnEmailAddressShareOneHash) {
  ContactHasher a(key_of(1));
  const ContactHash h = a.hash(Channel::kEmail, "jane.doe@example.org");
  for (const char* variant : {"Jane.Doe@example.org", "JANE.DOE@EXAMPLE.ORG", "jAnE.dOe@example.org"})
    EXPECT_EQ(a.hash(Channel::kEmail, variant), h) << variant;
  // The canonical form is what is hashed (the keyed BLAKE2b of the lower-cased address).
  const std::string input = std::string(1, '\0') + "jane.doe@example.org";
  ContactHash expected;
  const auto key = key_of(1);
  ASSERT_EQ(crypto_generichash(expected.data(), expected.size(),
                               reinterpret_cast<const unsigned char*>(input.data()), input.size(), key.data(),
                               key.size()),
            0);
  EXPECT_EQ(a.hash(Channel::kEmail, "Jane.DOE@example.org"), expected);
}

TEST(ContactHash, ToHexIsLowercase) {
  ContactHash h;
  for (size_t i = 0; i < h.size(); ++i) h[i] = static_cast<unsigned char>(i * 8 + 0x0a);
  const std::string hex = to_hex(h);
  EXPECT_EQ(hex, "0a121a222a323a424a525a626a727a828a929aa2aab2bac2cad2dae2eaf2fa02");
  ContactHash zero{};
  EXPECT_EQ(to_hex(zero), std::string(64, '0'));
  EXPECT_EQ(to_hex(ContactHasher(key_of(3)).hash(Channel::kSms, "+12025550100")).size(), 64u);
}

}  // namespace
}  // namespace tocsin
