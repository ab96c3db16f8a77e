// The hosted pages' foundation: CSRF tokens tied to a session and a form, the catalog's languages
// complete and chosen as documented, and the declared cookie list with the attributes browsers receive.
#include <gtest/gtest.h>

#include "web/catalog.h"
#include "web/cookie_list.h"
#include "web/csrf.h"

namespace tocsin::web {

TEST(Csrf, TiedToSessionAndForm) {
  CsrfGuard g;
  std::string s = CsrfGuard::new_session();
  EXPECT_EQ(s.size(), 32u);
  std::string t = g.token(s, "page:1");
  EXPECT_TRUE(g.verify(s, "page:1", t));
  EXPECT_FALSE(g.verify(s, "page:2", t));                         // another form
  EXPECT_FALSE(g.verify(CsrfGuard::new_session(), "page:1", t));  // another session
  EXPECT_FALSE(g.verify("", "page:1", g.token("", "page:1")));    // no session at all
  EXPECT_FALSE(g.verify(s, "page:1", t.substr(1)));               // truncated
  EXPECT_FALSE(CsrfGuard().verify(s, "page:1", t));               // another key (a restart)
}

TEST(Catalog, SpanishIsComplete) {
  for (const auto& [k, v] : strings("en")) {
    ASSERT_TRUE(strings("es").count(k)) << k;
    EXPECT_FALSE(strings("es").at(k).empty()) << k;
  }
  EXPECT_EQ(strings("en").size(), strings("es").size());
}

TEST(Catalog, LanguageChoice) {
  std::string es = "es-MX,es;q=0.9,en;q=0.5", fr = "fr-FR, fr;q=0.9";
  EXPECT_EQ(choose_language("", std::nullopt, &es), "es");
  EXPECT_EQ(choose_language("", std::nullopt, &fr), "en");
  EXPECT_EQ(choose_language("", std::string("es"), nullptr), "es");
  EXPECT_EQ(choose_language("en", std::string("es"), &es), "en");  // the action chooses
  EXPECT_EQ(choose_language("", std::string("xx"), nullptr), "en");
}

TEST(Cookies, DeclaredListAndAttributes) {
  // Everything set without consent is strictly necessary, HttpOnly, SameSite.
  for (const auto& c : declared_cookies()) {
    EXPECT_FALSE(strings("en").at(std::string(c.purpose_key)).empty());
    EXPECT_TRUE(c.http_only) << c.name;
  }
  EXPECT_EQ(cookie("tocsin_session").category, CookieCategory::kNecessary);
  EXPECT_EQ(cookie("tocsin_prefill").category, CookieCategory::kFunctional);
  std::string plain = set_cookie(cookie("tocsin_session"), "abc", false);
  EXPECT_EQ(plain, "tocsin_session=abc; Path=/; HttpOnly; SameSite=Lax");
  EXPECT_NE(set_cookie(cookie("tocsin_consent"), "f0p0", true).find("; Max-Age=15552000; HttpOnly; Secure"),
            std::string::npos);
}

TEST(Cookies, ReadAndChoice) {
  std::string h = "a=1; tocsin_consent=f1p0;tocsin_session=xyz";
  EXPECT_EQ(read_cookie(&h, "tocsin_session"), "xyz");
  EXPECT_EQ(read_cookie(&h, "tocsin_consent"), "f1p0");
  EXPECT_FALSE(read_cookie(&h, "missing"));
  EXPECT_FALSE(read_cookie(nullptr, "a"));
  auto c = CookieChoice::decode(std::string("f1p0"));
  EXPECT_TRUE(c.made && c.functional && !c.performance);
  EXPECT_EQ(c.encode(), "f1p0");
  EXPECT_FALSE(CookieChoice::decode(std::nullopt).allows(CookieCategory::kFunctional));
  EXPECT_TRUE(CookieChoice::decode(std::nullopt).allows(CookieCategory::kNecessary));
  EXPECT_FALSE(CookieChoice::decode(std::string("garbage")).made);
}

}  // namespace tocsin::web
