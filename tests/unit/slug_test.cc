// Page slugs: made from names and titles (ASCII, lower-case, single hyphens, accents dropped), unique by a
// numeric suffix, and the form an editor may set.
#include <gtest/gtest.h>

#include <set>

#include "core/slug.h"

namespace tocsin {

TEST(Slug, FromNamesAndTitles) {
  EXPECT_EQ(slugify("Save the Bay — Now!"), "save-the-bay-now");
  EXPECT_EQ(slugify("  --Hello__World--  "), "hello-world");
  EXPECT_EQ(slugify("Campaña por el Agua"), "campana-por-el-agua");
  EXPECT_EQ(slugify("Ärger über Öl"), "arger-uber-ol");
  EXPECT_EQ(slugify("日本語"), "page");
  EXPECT_EQ(slugify("", "org"), "org");
  EXPECT_LE(slugify(std::string(200, 'a')).size(), 60u);
}

TEST(Slug, UniqueBySuffix) {
  std::set<std::string> taken{"bay", "bay-2"};
  auto is_taken = [&](const std::string& s) { return taken.count(s) > 0; };
  EXPECT_EQ(unique_slug("bay", is_taken), "bay-3");
  EXPECT_EQ(unique_slug("sea", is_taken), "sea");
}

TEST(Slug, WhatAnEditorMaySet) {
  EXPECT_TRUE(valid_slug("bay-2"));
  EXPECT_FALSE(valid_slug(""));
  EXPECT_FALSE(valid_slug("Bay"));
  EXPECT_FALSE(valid_slug("-bay"));
  EXPECT_FALSE(valid_slug("bay--2"));
  EXPECT_FALSE(valid_slug("bay/2"));
  EXPECT_FALSE(valid_slug(std::string(81, 'a')));
}

}  // namespace tocsin
