// OutboxFolder: the default email driver for `make run` — nothing leaves the machine; each message becomes
// a file a person can open.
//
// Contract: send() writes `data` as <dir>/<name>.eml, where <name> is the message's Message-ID with every
// character outside [A-Za-z0-9._@+=-] replaced by '_' (a message without one is named by a hash of its
// bytes). The write is atomic and durable: a temporary file in the same directory, fsync, rename over the
// final name, fsync of the directory — a reader never sees half a message, and after kAccepted the message
// survives a crash. A message handed over twice (a retry after a restart) lands in the same file once.
// Answers kAccepted, or kDeferred with the OS error when the file cannot be written. Thread-safe.
#pragma once

#include <filesystem>

#include "core/result.h"
#include "email/transport.h"

namespace tocsin::email {

class OutboxFolder : public EmailTransport {
 public:
  // Creates `dir` when missing; fails (500) when it cannot.
  static Result<OutboxFolder> make(std::filesystem::path dir);

  // The last look is taken right before the rename that publishes the file.
  using EmailTransport::send;
  Handover send(const policy::ClearedEmail& cleared, const std::string& envelope_from, std::string_view data,
                const HandoverHooks& hooks) override;

  // The file name send() uses for `data` (without the directory).
  static std::string file_name_for(std::string_view data);

 private:
  explicit OutboxFolder(std::filesystem::path dir) : dir_(std::move(dir)) {}
  std::filesystem::path dir_;
};

}  // namespace tocsin::email
