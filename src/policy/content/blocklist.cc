#include "policy/content/blocklist.h"

#include <csv.h>
#include <spdlog/spdlog.h>

#include <fstream>
#include <sstream>
#include <vector>

#include "core/clock.h"
#include "core/text.h"

namespace tocsin::policy::content {
namespace {

// Fields of one CSV record, through libcsv (quoted fields with commas are common in URLhaus exports).
struct CsvRows {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> current;
  static void on_field(void* s, size_t n, void* self) {
    static_cast<CsvRows*>(self)->current.emplace_back(static_cast<const char*>(s), n);
  }
  static void on_record(int, void* self) {
    auto* me = static_cast<CsvRows*>(self);
    me->rows.push_back(std::move(me->current));
    me->current.clear();
  }
};

std::string host_of(std::string_view url) {
  auto scheme = url.find("://");
  std::string_view rest = scheme == std::string_view::npos ? url : url.substr(scheme + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (auto at = rest.rfind('@'); at != std::string_view::npos) rest = rest.substr(at + 1);
  if (!rest.empty() && rest.front() != '[') rest = rest.substr(0, rest.find(':'));
  return lower_ascii(rest);
}

}  // namespace

void Blocklist::add(std::string_view entry) {
  entry = trim_ascii_space(entry);
  if (entry.empty() || entry.front() == '#') return;
  if (entry.find("://") != std::string_view::npos) {
    std::string host = host_of(entry);
    // A URL that is just a host ("http://evil.test/") blocks the whole host.
    auto path = entry.substr(entry.find("://") + 3);
    auto slash = path.find('/');
    if (slash == std::string_view::npos || slash + 1 == path.size()) {
      if (!host.empty()) domains_.insert(host);
      return;
    }
    std::string url =
        lower_ascii(entry.substr(0, entry.find("://") + 3)) + host + std::string(path.substr(slash));
    urls_.insert(url);
    return;
  }
  std::string d = lower_ascii(entry);
  while (!d.empty() && d.back() == '.') d.pop_back();
  if (d.find_first_of(" \t,") == std::string::npos && !d.empty()) domains_.insert(d);
}

Result<Blocklist> Blocklist::parse(std::string_view text) {
  Blocklist list;
  // CSV when a data line holds a comma and a URL.
  bool csv = false;
  {
    std::istringstream in{std::string(text)};
    std::string line;
    while (std::getline(in, line)) {
      auto t = trim_ascii_space(line);
      if (t.empty() || t.front() == '#') continue;
      if (t.find(',') != std::string_view::npos && t.find("://") != std::string_view::npos) csv = true;
      if (t.find("://") != std::string_view::npos) break;
    }
  }
  if (!csv) {
    std::istringstream in{std::string(text)};
    std::string line;
    while (std::getline(in, line)) list.add(line);
    return list;
  }
  // Comment lines ('#', as URLhaus writes its header) are dropped before the CSV parser sees them.
  std::string data;
  {
    std::istringstream in{std::string(text)};
    std::string line;
    while (std::getline(in, line))
      if (!trim_ascii_space(line).starts_with("#")) data += line + "\n";
  }
  csv_parser parser;
  if (csv_init(&parser, CSV_APPEND_NULL) != 0) return internal_error("cannot initialize the CSV parser");
  CsvRows rows;
  size_t used = csv_parse(&parser, data.data(), data.size(), &CsvRows::on_field, &CsvRows::on_record, &rows);
  csv_fini(&parser, &CsvRows::on_field, &CsvRows::on_record, &rows);
  bool ok = used == data.size();
  csv_free(&parser);
  if (!ok) return bad_request("the blocklist CSV does not parse");
  for (const auto& row : rows.rows)
    for (const auto& field : row)
      if (field.find("://") != std::string::npos && field.find(' ') == std::string::npos) {
        // PhishTank rows also carry their own detail page (phishtank.com/...): the first URL is the listed
        // one.
        list.add(field);
        break;
      }
  return list;
}

std::string Blocklist::serialize() const {
  std::string out = "# tocsin link blocklist (tocsin screening load); one domain or URL per line\n";
  for (const auto& d : domains_) out += d + "\n";
  for (const auto& u : urls_) out += u + "\n";
  return out;
}

void Blocklist::merge(const Blocklist& other) {
  domains_.insert(other.domains_.begin(), other.domains_.end());
  urls_.insert(other.urls_.begin(), other.urls_.end());
}

bool Blocklist::blocks_host(std::string_view host) const {
  std::string h = lower_ascii(host);
  std::string_view v = h;
  while (true) {
    if (domains_.count(v)) return true;
    auto dot = v.find('.');
    if (dot == std::string_view::npos) return false;
    v = v.substr(dot + 1);
  }
}

bool Blocklist::blocks_url(std::string_view url) const {
  if (urls_.empty()) return false;
  auto scheme = url.find("://");
  if (scheme == std::string_view::npos) return urls_.count("http://" + lower_ascii(url)) > 0;
  std::string rest(url.substr(scheme + 3));
  auto slash = rest.find('/');
  std::string norm = lower_ascii(url.substr(0, scheme + 3)) + lower_ascii(rest.substr(0, slash)) +
                     (slash == std::string::npos ? "" : rest.substr(slash));
  return urls_.count(norm) > 0;
}

std::filesystem::path BlocklistFile::path_in(const std::filesystem::path& data_dir) {
  return data_dir / "screening" / "blocklist.txt";
}

std::shared_ptr<const Blocklist> BlocklistFile::current() const {
  refresh();
  std::lock_guard lock(mu_);
  return list_;
}

uint64_t BlocklistFile::generation() const {
  refresh();
  return generation_.load();
}

void BlocklistFile::refresh() const {
  int64_t now = now_micros();
  std::lock_guard lock(mu_);
  if (now - checked_at_ < 1'000'000 && checked_at_ != 0) return;
  checked_at_ = now;
  std::error_code ec;
  auto mtime = std::filesystem::last_write_time(path_, ec);
  if (ec) return;
  if (mtime == mtime_) return;
  std::ifstream in(path_, std::ios::binary);
  std::stringstream buf;
  buf << in.rdbuf();
  auto list = Blocklist::parse(buf.str());
  if (!list) {
    spdlog::warn("screening blocklist {} does not load: {}", path_.string(), list.error().message);
    return;
  }
  mtime_ = mtime;
  list_ = std::make_shared<const Blocklist>(std::move(list).value());
  generation_.fetch_add(1);
  spdlog::info("screening blocklist {}: {} entries", path_.string(), list_->size());
}

}  // namespace tocsin::policy::content
