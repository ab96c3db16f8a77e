#include "app/kek_location.h"

#include <toml++/toml.h>

#include <cstdlib>
#include <filesystem>

namespace tocsin {

namespace fs = std::filesystem;

Result<std::string> kek_path(const std::string& data_dir) {
  if (const char* env = std::getenv("TOCSIN_KEK_FILE"); env && *env) return std::string(env);
  auto config = fs::path(data_dir) / "tocsin.toml";
  if (fs::exists(config)) {
    toml::table t;
    try {
      t = toml::parse_file(config.string());
    } catch (const toml::parse_error& e) {
      return bad_request("cannot parse " + config.string() + ": " + std::string(e.description()));
    }
    if (auto file = t["keys"]["kek_file"].value<std::string>(); file && !file->empty()) return *file;
  }
  fs::path dir = fs::path(data_dir).lexically_normal();
  if (dir.filename().empty()) dir = dir.parent_path();  // "data/" → "data"
  return dir.string() + ".kek";
}

}  // namespace tocsin
