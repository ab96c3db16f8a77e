#include "app/installation.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/file.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "api/keyring.h"
#include "app/kek_location.h"
#include "app/store_location.h"
#include "core/ids.h"
#include "core/json_out.h"
#include "store/postgres/postgres_store.h"

namespace tocsin {

namespace fs = std::filesystem;

namespace {

// token.keys: one 35-byte record per key — id (2 bytes, big-endian), retired flag (1 byte), secret (32).
// Created with one fresh key the first time an installation is opened without it (0600, fsync'd).
Result<std::vector<email::TokenKey>> load_or_create_token_keys(const fs::path& path) {
  std::vector<email::TokenKey> keys;
  std::ifstream in(path, std::ios::binary);
  if (in) {
    unsigned char rec[35];
    while (in.read(reinterpret_cast<char*>(rec), sizeof rec)) {
      email::TokenKey k;
      k.id = static_cast<uint16_t>(rec[0] << 8 | rec[1]);
      k.retired = rec[2] != 0;
      std::copy(rec + 3, rec + 35, k.secret.begin());
      keys.push_back(k);
    }
    if (!keys.empty()) return keys;
  }
  keys.push_back(email::TokenKey::generate(1));
  unsigned char rec[35] = {0, 1, 0};
  std::copy(keys[0].secret.begin(), keys[0].secret.end(), rec + 3);
  std::string tmp = path.string() + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) return internal_error("cannot create " + tmp);
  bool ok = ::write(fd, rec, sizeof rec) == static_cast<ssize_t>(sizeof rec) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) return internal_error("cannot write " + path.string());
  return keys;
}

}  // namespace

namespace {

// The key-encryption key: created by init when its file does not exist yet (a provisioned one is used as it
// is); read when present; absent, the store opens only a database without data keys.
Result<bool> find_kek(Installation& inst, bool create, const EncryptionChoice& encryption) {
  if (create && encryption.unencrypted) return false;
  auto path = encryption.kek_file.empty() ? kek_path(inst.dir) : Result<std::string>(encryption.kek_file);
  if (!path) return path.error();
  inst.kek_file = *path;
  std::error_code ec;
  if (fs::exists(*path, ec)) {
    auto kek = store::read_kek_file(*path);
    if (!kek) return kek.error();
    inst.kek = *kek;
    return false;
  }
  if (!create) return false;
  auto kek = store::create_kek_file(*path);
  if (!kek) return kek.error();
  inst.kek = *kek;
  return true;
}

}  // namespace

Result<Installation> Installation::open(const std::string& dir, bool create,
                                        const EncryptionChoice& encryption) {
  if (sodium_init() < 0) return internal_error("libsodium failed to initialize");
  Installation inst;
  inst.dir = dir;
  auto location = store_location(dir);
  if (!location) return location.error();
  const bool postgres = location->backend == StoreLocation::Backend::kPostgres;
  auto db = fs::path(dir) / "tocsin.db";
  auto key = fs::path(dir) / "contact.key";
  // With PostgreSQL the directory holds only the secrets (and config): its contact.key marks it initialized.
  const auto& marker = postgres ? key : db;
  std::error_code ec;
  if (create) {
    if (fs::exists(marker)) return bad_request(dir + " is already initialized");
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
    if (!fs::exists(marker))
      return bad_request(dir + " is not a tocsin data directory (run `tocsin init --data " + dir + "`)");
    std::ifstream in(key, std::ios::binary);
    if (!in.read(reinterpret_cast<char*>(inst.contact_key.data()), 32))
      return internal_error("cannot read " + key.string());
  }
  auto keys = load_or_create_token_keys(fs::path(dir) / "token.keys");
  if (!keys) return keys.error();
  inst.token_keys = std::move(keys).value();
  auto kek_created = find_kek(inst, create, encryption);
  if (!kek_created) return kek_created.error();
  Result<std::unique_ptr<store::Store>> store = internal_error("no store");
  if (postgres) {
    store::PostgresOptions options;
    options.kek = inst.kek;
    options.new_installation = create;
    store = store::open_postgres_store(location->url, options);
  } else {
    store::SqliteOptions options;
    options.hasher = inst.hasher();
    options.kek = inst.kek;
    options.new_installation = create;
    store = store::open_sqlite_store(db.string(), options);
  }
  // A failed init leaves no secrets behind, so it can be run again (e.g. with the right database URL).
  auto undo_create = [&] {
    if (!create) return;
    fs::remove(key, ec);
    fs::remove(fs::path(dir) / "token.keys", ec);
    if (*kek_created) fs::remove(inst.kek_file, ec);
    if (!postgres)  // create checked that no database was there before
      for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(db.string() + suffix, ec);
  };
  if (!store) {
    undo_create();
    return store.error();
  }
  inst.store = std::move(store).value();
  if (create && postgres) {
    // A database other nodes already serve has its installation's secrets: a fresh contact key here would
    // hash contact points differently and miss every suppression. Such a node gets a copy of a data
    // directory instead (docs/STORE.md).
    auto orgs = inst.store->orgs();
    if (!orgs) return orgs.error();
    if (!orgs->empty()) {
      inst.store.reset();
      undo_create();
      return bad_request(
          "the database already holds an installation; copy its data directory (contact.key, "
          "token.keys) to this node instead of running init");
    }
  }
  return inst;
}

Result<OrgInstallation> open_org_installation(const std::string& dir, const std::string& org_id) {
  auto inst = Installation::open(dir, false);
  if (!inst) return inst.error();
  auto orgs = inst->store->orgs();
  if (!orgs) return orgs.error();
  for (const auto& o : orgs.value())
    if (o.id == org_id) return OrgInstallation{std::move(inst).value(), o};
  return not_found("no organization " + org_id);
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
  JsonOut j;
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

Result<std::unique_ptr<DataDirLock>> DataDirLock::acquire(const Installation& inst,
                                                          const std::string& purpose) {
  auto lock = acquire(inst.dir, purpose);
  if (!lock) return lock.error();
  auto claim = inst.store->claim_writer();
  if (!claim) return Error{claim.error().http_status, claim.error().message + "; stop it before " + purpose};
  (*lock)->claim_ = std::move(claim).value();
  return lock;
}

DataDirLock::~DataDirLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace tocsin
