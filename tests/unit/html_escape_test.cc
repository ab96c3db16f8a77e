#include "core/html_escape.h"

#include <gtest/gtest.h>

namespace tocsin {
namespace {

TEST(HtmlEscape, EveryMarkupCharacterBecomesAReference) {
  EXPECT_EQ(escape_html("<a href=\"x\" title='y'>&</a>"),
            "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
}

TEST(HtmlEscape, OtherTextIsUntouched) {
  EXPECT_EQ(escape_html("Straße 5, 10115 Berlin — ok"), "Straße 5, 10115 Berlin — ok");
  EXPECT_EQ(escape_html(""), "");
}

TEST(HtmlEscape, AnEscapedUrlCannotLeaveASingleQuotedAttribute) {
  std::string attr = "<a href='" + escape_html("https://x.example/?a=1&b='onmouseover=alert(1)") + "'>";
  EXPECT_EQ(attr.find("'onmouseover"), std::string::npos);
}

}  // namespace
}  // namespace tocsin
