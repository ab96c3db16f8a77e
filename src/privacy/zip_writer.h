// An in-memory ZIP archive (libzip): files added by name, the archive's bytes at the end. Evidence packets
// and data-subject bundles are answered as HTTP bodies or written to a file by the CLI, so nothing touches
// the disk on the way.
#pragma once

#include <deque>
#include <string>
#include <string_view>
#include <utility>

#include "core/result.h"

namespace tocsin::privacy {

class ZipWriter {
 public:
  // Adds a file; `data` is kept until finish().
  void add(std::string name, std::string data) { files_.emplace_back(std::move(name), std::move(data)); }
  // The archive (deflate); an error only if libzip fails.
  Result<std::string> finish();

 private:
  std::deque<std::pair<std::string, std::string>> files_;  // a deque: the buffers never move
};

}  // namespace tocsin::privacy
