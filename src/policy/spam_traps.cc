#include "policy/spam_traps.h"

#include <spdlog/spdlog.h>

#include <fstream>
#include <sstream>

#include "core/clock.h"
#include "core/text.h"

namespace tocsin::policy {
namespace {

bool plausible_domain(std::string_view d) {
  return !d.empty() && d.find('.') != std::string_view::npos && d.front() != '.' &&
         d.find_first_of(" \t,;@/<>\"") == std::string_view::npos;
}

}  // namespace

Result<SpamTraps> SpamTraps::parse(std::string_view text) {
  SpamTraps out;
  size_t line_no = 0;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    ++line_no;
    line = trim_ascii_space(line);
    if (line.empty() || line.front() == '#') continue;
    std::string entry = lower_ascii(line);
    while (!entry.empty() && entry.back() == '.') entry.pop_back();
    auto at = entry.find('@');
    if (at == 0) entry.erase(0, 1);  // "@example.net": the whole domain
    if (at != std::string::npos && at > 0) {
      if (entry.find('@', at + 1) != std::string::npos || !plausible_domain(entry.substr(at + 1)))
        return bad_request("spam-trap list line " + std::to_string(line_no) + " is not an address or domain");
      out.addresses_.insert(entry);
    } else {
      if (!plausible_domain(entry))
        return bad_request("spam-trap list line " + std::to_string(line_no) + " is not an address or domain");
      out.domains_.insert(entry);
    }
  }
  return out;
}

std::string SpamTraps::serialize() const {
  std::string out = "# known spam traps: one address or domain a line (tocsin screening load --spam-traps)\n";
  for (const auto& d : domains_) out += d + "\n";
  for (const auto& a : addresses_) out += a + "\n";
  return out;
}

void SpamTraps::merge(const SpamTraps& other) {
  addresses_.insert(other.addresses_.begin(), other.addresses_.end());
  domains_.insert(other.domains_.begin(), other.domains_.end());
}

bool SpamTraps::contains(std::string_view raw) const {
  if (addresses_.empty() && domains_.empty()) return false;
  // Case-insensitively: the local part keeps the case it was typed in, and a trap is a trap in any case.
  const std::string lowered = lower_ascii(raw);
  std::string_view address = lowered;
  if (addresses_.count(address)) return true;
  auto at = address.rfind('@');
  std::string_view domain = at == std::string_view::npos ? address : address.substr(at + 1);
  // The domain and every parent of it: "mx.trap.example" is covered by "trap.example".
  while (!domain.empty()) {
    if (domains_.count(domain)) return true;
    auto dot = domain.find('.');
    if (dot == std::string_view::npos) break;
    domain = domain.substr(dot + 1);
  }
  return false;
}

std::filesystem::path SpamTrapFile::path_in(const std::filesystem::path& data_dir) {
  return data_dir / "screening" / "spam_traps.txt";
}

std::shared_ptr<const SpamTraps> SpamTrapFile::current() const {
  int64_t now = now_micros();
  std::lock_guard lock(mu_);
  if (checked_at_ != 0 && now - checked_at_ < 1'000'000) return list_;
  checked_at_ = now;
  std::error_code ec;
  auto mtime = std::filesystem::last_write_time(path_, ec);
  if (ec || mtime == mtime_) return list_;
  std::ifstream in(path_, std::ios::binary);
  std::stringstream buf;
  buf << in.rdbuf();
  auto list = SpamTraps::parse(buf.str());
  mtime_ = mtime;  // a broken file is reported once, not at every look
  if (!list) {
    spdlog::warn("spam-trap list {} does not load: {}", path_.string(), list.error().message);
    return list_;
  }
  list_ = std::make_shared<const SpamTraps>(std::move(list).value());
  spdlog::info("spam-trap list {}: {} entries", path_.string(), list_->size());
  return list_;
}

}  // namespace tocsin::policy
