#include "email/outbox_folder.h"

#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>

#include "core/text.h"

namespace tocsin::email {
namespace {

// The Message-ID field's value without angle brackets and whitespace, or "" when the header block has none.
std::string message_id_of(std::string_view data) {
  std::string value;
  bool in_field = false;
  for (size_t pos = 0; pos < data.size();) {
    size_t eol = std::min(data.find("\r\n", pos), data.size());
    std::string_view line = data.substr(pos, eol - pos);
    pos = eol + 2;
    bool continuation = !line.empty() && (line[0] == ' ' || line[0] == '\t');
    if (in_field && continuation) {
      value += line;
      continue;
    }
    if (in_field || line.empty()) break;  // the field ended, or the header block did
    if (line.size() >= 11 && lower_ascii(line.substr(0, 11)) == "message-id:") {
      in_field = true;
      value = line.substr(11);
    }
  }
  std::string id;
  for (char c : value) {
    if (c != '<' && c != '>' && !is_ascii_space(c)) id += c;
  }
  return id;
}

bool safe_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
         c == '@' || c == '+' || c == '=' || c == '-';
}

Handover failed(const std::string& what, const std::filesystem::path& p) {
  return Handover{Handover::Outcome::kDeferred, 0, what + " " + p.string() + ": " + std::strerror(errno)};
}

}  // namespace

Result<OutboxFolder> OutboxFolder::make(std::filesystem::path dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec || !std::filesystem::is_directory(dir)) {
    return internal_error("the outbox folder " + dir.string() + " cannot be created: " + ec.message());
  }
  return OutboxFolder(std::move(dir));
}

std::string OutboxFolder::file_name_for(std::string_view data) {
  std::string id = message_id_of(data);
  if (id.empty()) {
    unsigned char h[16];
    crypto_generichash(h, sizeof h, reinterpret_cast<const unsigned char*>(data.data()), data.size(), nullptr,
                       0);
    char hex[33];
    sodium_bin2hex(hex, sizeof hex, h, sizeof h);
    id = std::string("no-message-id-") + hex;
  }
  for (char& c : id) {
    if (!safe_char(c)) c = '_';
  }
  if (id.front() == '.') id.front() = '_';  // no hidden files, no "." or ".."
  return id + ".eml";
}

Handover OutboxFolder::send(const policy::ClearedEmail&, const std::string&, std::string_view data,
                            const HandoverHooks& hooks) {
  static std::atomic<uint64_t> counter{0};
  std::filesystem::path final_path = dir_ / file_name_for(data);
  std::filesystem::path tmp = dir_ / (".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));

  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
  if (fd < 0) return failed("cannot create", tmp);
  for (size_t off = 0; off < data.size();) {
    ssize_t n = ::write(fd, data.data() + off, data.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      Handover h = failed("cannot write", tmp);
      ::close(fd);
      ::unlink(tmp.c_str());
      return h;
    }
    off += static_cast<size_t>(n);
  }
  bool synced = ::fsync(fd) == 0;
  if (::close(fd) != 0 || !synced) {
    Handover h = failed("cannot flush", tmp);
    ::unlink(tmp.c_str());
    return h;
  }
  if (hooks.last_look)
    if (auto why = hooks.last_look()) {
      ::unlink(tmp.c_str());
      return Handover{Handover::Outcome::kWithheld, 0, *why};
    }
  if (::rename(tmp.c_str(), final_path.c_str()) != 0) {
    Handover h = failed("cannot rename into", final_path);
    ::unlink(tmp.c_str());
    return h;
  }
  int dfd = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0 || ::fsync(dfd) != 0) {
    Handover h = failed("cannot flush the directory", dir_);
    if (dfd >= 0) ::close(dfd);
    return h;
  }
  ::close(dfd);
  return Handover{Handover::Outcome::kAccepted, 0, "written to " + final_path.string()};
}

}  // namespace tocsin::email
