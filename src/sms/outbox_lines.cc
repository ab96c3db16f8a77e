#include "sms/outbox_lines.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/json_out.h"
#include "policy/sms_segments.h"

namespace tocsin::sms {

Result<std::unique_ptr<OutboxLines>> OutboxLines::open(const std::string& path,
                                                       std::function<Micros()> clock) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) return internal_error("cannot open SMS outbox " + path + ": " + std::strerror(errno));
  return std::unique_ptr<OutboxLines>(new OutboxLines(fd, std::move(clock)));
}

OutboxLines::~OutboxLines() {
  ::close(fd_);
}

SmsHandover OutboxLines::send(const policy::ClearedSms& cleared, const std::string& delivery_id) {
  const policy::OutboundSms& m = cleared.message();
  policy::SegmentCount seg = policy::count_segments(m.body);
  JsonOut j;
  j.begin()
      .kv("delivery_id", delivery_id)
      .kv("from", m.sender)
      .kv("to", m.to.address)
      .kv("body", m.body)
      .kv("segments", seg.segments)
      .kv("encoding", policy::encoding_name(seg.encoding))
      .kv("cleared_at", format_iso8601_micros(cleared.cleared_at()))
      .kv("written_at", format_iso8601_micros(clock_()))
      .end();
  std::string line = j.take();
  line.push_back('\n');

  std::lock_guard lock(mu_);
  if (torn_) line.insert(line.begin(), '\n');
  ssize_t n = ::write(fd_, line.data(), line.size());
  if (n != static_cast<ssize_t>(line.size())) {
    torn_ = n > 0;
    return {SmsHandover::Outcome::kTemporary, "",
            std::string("outbox write failed: ") + (n < 0 ? std::strerror(errno) : "short write")};
  }
  torn_ = false;
  if (::fsync(fd_) != 0)
    return {SmsHandover::Outcome::kTemporary, "",
            std::string("outbox fsync failed: ") + std::strerror(errno)};
  return {SmsHandover::Outcome::kAccepted, delivery_id, "written to the outbox file"};
}

}  // namespace tocsin::sms
