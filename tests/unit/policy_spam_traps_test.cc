// The spam-trap list (policy/spam_traps.h): what a line may be, what an entry covers, and the file a running
// server reloads.
#include "policy/spam_traps.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

namespace tocsin::policy {
namespace {

TEST(SpamTraps, AddressesAndDomainsWithCommentsAndAnyCase) {
  auto traps = SpamTraps::parse(
      "# from the blocklist operator\n\n  Trap@Example.NET  \n@pristine.example\nrecycled.example.\r\n");
  ASSERT_TRUE(traps) << traps.error().message;
  EXPECT_EQ(traps->size(), 3u);
  EXPECT_TRUE(traps->contains("trap@example.net"));
  EXPECT_TRUE(traps->contains("TRAP@example.net"));    // a trap in any case
  EXPECT_FALSE(traps->contains("other@example.net"));  // an address covers itself only
  EXPECT_TRUE(traps->contains("anyone@pristine.example"));
  EXPECT_TRUE(traps->contains("x@mx.recycled.example"));   // a domain covers its subdomains
  EXPECT_FALSE(traps->contains("x@notrecycled.example"));  // not a domain that merely ends the same
  EXPECT_FALSE(traps->contains("x@example"));
}

TEST(SpamTraps, ALineThatIsNeitherNamesItsNumber) {
  for (const char* bad : {"ok@example.net\nnot a domain\n", "ok@example.net\na@b@example.net\n",
                          "ok@example.net\nuser@nodot\n", "ok@example.net\nlocalhost\n"}) {
    auto traps = SpamTraps::parse(bad);
    ASSERT_FALSE(traps) << bad;
    EXPECT_EQ(traps.error().http_status, 400);
    EXPECT_NE(traps.error().message.find("line 2"), std::string::npos) << traps.error().message;
  }
}

TEST(SpamTraps, SerializedListParsesBackAndMergesWithoutDuplicates) {
  auto a = SpamTraps::parse("a@example.net\ntrap.example\n");
  auto b = SpamTraps::parse("A@example.net\nb@example.org\n");
  ASSERT_TRUE(a && b);
  a->merge(*b);
  EXPECT_EQ(a->size(), 3u);
  auto back = SpamTraps::parse(a->serialize());
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->size(), 3u);
  EXPECT_TRUE(back->contains("b@example.org") && back->contains("z@trap.example"));
}

TEST(SpamTrapFile, ANewFileIsSeenAndABrokenOneKeepsThePreviousList) {
  const auto dir =
      std::filesystem::temp_directory_path() /
      ("spam-traps-" + std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
  std::filesystem::create_directories(dir / "screening");
  SpamTrapFile file(SpamTrapFile::path_in(dir));
  EXPECT_EQ(file.current()->size(), 0u);  // no file yet: nothing is a trap
  auto write = [&](const std::string& text, int seconds_later) {
    std::ofstream(SpamTrapFile::path_in(dir)) << text;
    // A distinct modification time, and past the once-a-second look.
    std::filesystem::last_write_time(
        SpamTrapFile::path_in(dir),
        std::filesystem::file_time_type::clock::now() + std::chrono::seconds(seconds_later));
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  };
  write("trap@example.net\n", 1);
  EXPECT_TRUE(file.current()->contains("trap@example.net"));
  write("trap@example.net\nnot a domain\n", 2);
  EXPECT_TRUE(file.current()->contains("trap@example.net"));  // kept, with a warning
  write("other.example\n", 3);
  EXPECT_FALSE(file.current()->contains("trap@example.net"));
  EXPECT_TRUE(file.current()->contains("x@other.example"));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace tocsin::policy
