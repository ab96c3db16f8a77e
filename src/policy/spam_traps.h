// Known spam traps: addresses (and whole domains) that never belonged to a person who could opt in — a
// pristine trap published nowhere but on scraped pages, a recycled address abandoned for years, a typo
// domain of a big mailbox provider. Mail to one shows the sender's list was not collected with consent, and
// blocklist operators list the sending IPs and domains that hit them, which would hurt every organization on
// the platform. The operator loads the lists they get from blocklist operators or their own seeding into
// DIR/screening/spam_traps.txt (`tocsin screening load --spam-traps FILE`; one address or domain per line,
// '#' comments); a running server sees a new file within a second (SpamTrapFile, as the link blocklist).
//
// The gate refuses a hand-over to a listed address (`spam_trap`, a suppression: docs/POLICY.md "Spam traps"),
// and the refusals a blast meets are its organization's trap hits (messaging/spam_trap_pause.h).
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "core/result.h"

namespace tocsin::policy {

class SpamTraps {
 public:
  // One entry a line: an address (`trap@example.net`), a domain (`example.net` or `@example.net`, which also
  // covers its subdomains). Blank lines and '#' comments are skipped; 400 for a line that is neither.
  static Result<SpamTraps> parse(std::string_view text);
  std::string serialize() const;
  void merge(const SpamTraps& other);
  // Whether a normalized (lower-case) address is a trap: the address itself, its domain or a parent domain.
  bool contains(std::string_view address) const;
  size_t size() const { return addresses_.size() + domains_.size(); }

 private:
  std::set<std::string, std::less<>> addresses_, domains_;
};

// The installation's trap file, reloaded when it changes (its modification time, looked at most once a
// second). Safe for concurrent use.
class SpamTrapFile {
 public:
  explicit SpamTrapFile(std::filesystem::path path) : path_(std::move(path)) {}
  static std::filesystem::path path_in(const std::filesystem::path& data_dir);
  // The current list (an empty one when the file does not exist; a file that does not parse keeps the
  // previous list, with a warning).
  std::shared_ptr<const SpamTraps> current() const;

 private:
  std::filesystem::path path_;
  mutable std::mutex mu_;
  mutable std::shared_ptr<const SpamTraps> list_ = std::make_shared<SpamTraps>();
  mutable std::filesystem::file_time_type mtime_{};
  mutable int64_t checked_at_ = 0;
};

}  // namespace tocsin::policy
