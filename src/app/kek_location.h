// Where an installation's key-encryption key is (docs/PRIVACY.md "Keys"): the file named by the
// environment variable TOCSIN_KEK_FILE, which wins; else `[keys] kek_file` in DIR/tocsin.toml; else
// DIR.kek beside the data directory (never inside it: a copy of the directory must not carry the key).
#pragma once

#include <string>

#include "core/result.h"

namespace tocsin {

Result<std::string> kek_path(const std::string& data_dir);

}  // namespace tocsin
