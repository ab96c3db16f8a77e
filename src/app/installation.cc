#include "app/installation.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/file.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "api/json_out.h"
#include "api/keyring.h"
#include "core/ids.h"

namespace tocsin {

namespace fs = std::filesystem;

Result<Installation> Installation::open(const std::string& dir, bool create) {
  if (sodium_init() < 0) return internal_error("libsodium failed to initialize");
  Installation inst;
  inst.dir = dir;
  auto db = fs::path(dir) / "tocsin.db";
  auto key = fs::path(dir) / "contact.key";
  std::error_code ec;
  if (create) {
    if (fs::exists(db)) return bad_request(dir + " is already initialized");
    fs::create_directories(dir, ec);
    if (ec) return internal_error("cannot create " + dir + ": " + ec.message());
    fs::permissions(dir, fs::perms::owner_all, ec);
    randombytes_buf(inst.contact_key.data(), inst.contact_key.size());
    int fd = ::open(key.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0) return internal_error("cannot create " + key.string());
    bool ok = ::write(fd, inst.contact_key.data(), inst.contact_key.size()) == 32 && ::fsync(fd) == 0;
    ::close(fd);
    if (!ok) return internal_error("cannot write " + key.string());
  } else {
    if (!fs::exists(db))
      return bad_request(dir + " is not a tocsin data directory (run `tocsin init --data " + dir + "`)");
    std::ifstream in(key, std::ios::binary);
    if (!in.read(reinterpret_cast<char*>(inst.contact_key.data()), 32))
      return internal_error("cannot read " + key.string());
  }
  auto store = store::open_sqlite_store(db.string());
  if (!store) return store.error();
  inst.store = std::move(store).value();
  return inst;
}

Result<std::string> Installation::create_org_with_key(const std::string& name, const std::string& region,
                                                      bool gdpr_applies) {
  Org o;
  o.id = new_uuid();
  o.name = name;
  o.default_region = region;
  o.gdpr_applies = gdpr_applies;
  o.created = now_micros();
  if (auto s = store->create_org(o); !s) return s.error();
  auto key = api::issue_api_key(o.id);
  if (auto s = store->put_api_key(key.record); !s) return s.error();
  api::JsonOut j;
  j.begin().kv("org_id", o.id).kv("api_key", key.secret).kv("key_id", key.record.id).end();
  return j.take();
}

Result<std::unique_ptr<DataDirLock>> DataDirLock::acquire(const std::string& dir,
                                                          const std::string& purpose) {
  auto path = fs::path(dir) / "tocsin.lock";
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT, 0600);
  if (fd < 0) return internal_error("cannot open " + path.string());
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return Error{409, "another tocsin process (a running server or import) holds " + dir +
                          "; stop it before " + purpose};
  }
  auto lock = std::make_unique<DataDirLock>();
  lock->fd_ = fd;
  return lock;
}

DataDirLock::~DataDirLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace tocsin
