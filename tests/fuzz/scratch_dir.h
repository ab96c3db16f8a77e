// Where the fuzz targets that need a store keep it for the run.
#pragma once

#include <filesystem>

namespace tocsin::fuzz {

// tmpfs when there is one: every commit syncs, and on a disk that would be most of the time per input.
inline std::filesystem::path scratch_dir() {
  return std::filesystem::is_directory("/dev/shm") ? std::filesystem::path("/dev/shm")
                                                   : std::filesystem::temp_directory_path();
}

}  // namespace tocsin::fuzz
