#include "app/store_location.h"

#include <toml++/toml.h>

#include <cstdlib>
#include <filesystem>

#include "store/postgres/postgres_store.h"

namespace tocsin {

Result<StoreLocation> store_location(const std::string& data_dir) {
  StoreLocation loc;
  if (const char* env = std::getenv("TOCSIN_DATABASE_URL"); env && *env) {
    if (!store::is_postgres_url(env)) return bad_request("TOCSIN_DATABASE_URL must be a postgresql:// URL");
    loc.backend = StoreLocation::Backend::kPostgres;
    loc.url = env;
    return loc;
  }
  auto path = std::filesystem::path(data_dir) / "tocsin.toml";
  if (!std::filesystem::exists(path)) return loc;
  toml::table t;
  try {
    t = toml::parse_file(path.string());
  } catch (const toml::parse_error& e) {
    return bad_request("cannot parse " + path.string() + ": " + std::string(e.description()));
  }
  std::string backend = t["store"]["backend"].value_or(std::string("sqlite"));
  if (backend == "sqlite") return loc;
  if (backend != "postgresql") return bad_request("tocsin.toml: store.backend must be sqlite or postgresql");
  loc.backend = StoreLocation::Backend::kPostgres;
  loc.url = t["store"]["url"].value_or(std::string());
  if (!store::is_postgres_url(loc.url))
    return bad_request("tocsin.toml: store.url must be a postgresql:// URL when store.backend is postgresql");
  return loc;
}

}  // namespace tocsin
