// OutboxLines: the default SMS driver for `make run` and development — no gateway; every cleared text is
// appended to a file as one JSON line and accepted.
//
// Line: {"delivery_id","from","to","body","segments","encoding","cleared_at","written_at"} (times ISO-8601
// with microseconds). Each line is written with one write(2) on an O_APPEND descriptor and fsync'd before
// send() returns, so an accepted text is on disk (the same "durable before acknowledged" promise the real
// gateways give). Lines never interleave: writes are serialized by a mutex.
// Thread-safe. A write or fsync failure answers kTemporary with the error; the file stays line-aligned
// because a line is either written whole or (on a short write) followed by a newline before the next one.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "core/result.h"
#include "sms/transport.h"

namespace tocsin::sms {

class OutboxLines final : public SmsTransport {
 public:
  // Opens (creating, mode 0600: texts are personal data) `path` for appending.
  static Result<std::unique_ptr<OutboxLines>> open(const std::string& path,
                                                   std::function<Micros()> clock = now_micros);
  ~OutboxLines() override;
  OutboxLines(const OutboxLines&) = delete;
  OutboxLines& operator=(const OutboxLines&) = delete;

  SmsHandover send(const policy::ClearedSms& cleared, const std::string& delivery_id) override;

 private:
  OutboxLines(int fd, std::function<Micros()> clock) : fd_(fd), clock_(std::move(clock)) {}
  std::mutex mu_;
  int fd_;
  bool torn_ = false;  // the last write was short: start the next one on a fresh line
  std::function<Micros()> clock_;
};

}  // namespace tocsin::sms
