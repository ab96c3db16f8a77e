// The local link blocklist: domains (and exact URLs) known to host malware or phishing, kept in
// DIR/screening/blocklist.txt so no network is needed at send time. `tocsin screening load FILE` merges a
// plain list (a domain or URL per line, '#' comments) or a URLhaus / PhishTank style CSV export (the column
// holding URLs is found by its "://") into that file; a running server sees the new file on its next look
// (BlocklistFile checks the file's modification time at most once a second).
#pragma once

#include <atomic>
#include <filesystem>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>

#include "core/result.h"

namespace tocsin::policy::content {

class Blocklist {
 public:
  // Plain or CSV (decided by the first data line holding a comma and a "://").
  static Result<Blocklist> parse(std::string_view text);
  // The file as written by save(): one lower-case domain or URL per line.
  std::string serialize() const;
  void merge(const Blocklist& other);

  // Whether `host` (lower-case, ASCII/punycode) or a parent domain of it is listed.
  bool blocks_host(std::string_view host) const;
  // Whether this exact URL (lower-cased scheme and host) is listed.
  bool blocks_url(std::string_view url) const;
  size_t size() const { return domains_.size() + urls_.size(); }

  void add(std::string_view entry);

 private:
  std::set<std::string, std::less<>> domains_, urls_;
};

// The installation's blocklist file, reloaded when it changes. Safe for concurrent use.
class BlocklistFile {
 public:
  explicit BlocklistFile(std::filesystem::path path) : path_(std::move(path)) {}
  static std::filesystem::path path_in(const std::filesystem::path& data_dir);

  // The current list (an empty one when the file does not exist or does not parse; the failure is logged).
  std::shared_ptr<const Blocklist> current() const;
  // Bumps whenever the list in use changes (cached verdicts compare it).
  uint64_t generation() const;

 private:
  void refresh() const;
  std::filesystem::path path_;
  mutable std::mutex mu_;
  mutable std::shared_ptr<const Blocklist> list_ = std::make_shared<Blocklist>();
  mutable std::filesystem::file_time_type mtime_{};
  mutable int64_t checked_at_ = 0;
  mutable std::atomic<uint64_t> generation_{0};
};

}  // namespace tocsin::policy::content
