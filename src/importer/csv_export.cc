#include "importer/csv_export.h"

#include <set>

#include <cerrno>
#include <cstring>
#include <string>
#include <string_view>

#include "consent/status.h"
#include "core/clock.h"
#include "importer/csv_cell.h"

namespace tocsin::importer {

const char* const kExportColumns[17] = {
    "email",         "email_status",  "phone",     "phone_status", "given_name",   "family_name",
    "address_line1", "address_line2", "locality",  "region",       "postal_code",  "country",
    "language",      "identifier",    "birthdate", "created_date", "modified_date"};

namespace {

void put_joined(std::string& out, const std::vector<std::string>& items) {
  std::string joined;
  for (const auto& s : items) {
    if (!joined.empty()) joined.push_back(' ');
    joined += s;
  }
  append_csv_cell(out, joined);
}

void put_status(std::string& out, const people::OrgState& org, Channel c,
                const std::optional<std::string>& v) {
  if (!v) return;
  auto s = org.status_of(c, *v);
  if (s != consent::Status::kNone) out.append(consent::status_name(s));
}

}  // namespace

Result<int64_t> export_csv(const people::OrgState& org, std::FILE* out,
                           const std::function<void(int64_t walked, int64_t total)>& progress) {
  std::string buf;
  buf.reserve(1 << 20);
  auto flush = [&]() -> bool {
    bool ok = std::fwrite(buf.data(), 1, buf.size(), out) == buf.size();
    buf.clear();
    return ok;
  };
  for (size_t i = 0; i < std::size(kExportColumns); ++i) {
    if (i) buf.push_back(',');
    buf.append(kExportColumns[i]);
  }
  for (const auto& f : org.custom_fields) {
    buf.push_back(',');
    append_csv_cell(buf, f.name);
  }
  buf += "\r\n";

  int64_t n = 0;
  // People under a restriction of processing (GDPR Art. 18, privacy/request_actions.h) are left out.
  const auto& restricted = org.messaging.settings().restricted;
  std::set<std::string> restricted_set(restricted.begin(), restricted.end());
  auto is_restricted = [&](const Person& p) {
    if (restricted_set.empty()) return false;
    return (p.email && restricted_set.count(to_hex(org.hasher->hash(Channel::kEmail, *p.email)))) ||
           (p.phone && restricted_set.count(to_hex(org.hasher->hash(Channel::kSms, *p.phone))));
  };
  const auto total = static_cast<int64_t>(org.person_order.size());
  int64_t walked = 0;
  for (const auto& id : org.person_order) {
    if (progress && (++walked & 4095) == 0) progress(walked, total);
    const Person* p = org.find_person(id);
    if (!p || is_restricted(*p)) continue;
    const PostalAddress* addr = nullptr;
    for (const auto& a : p->postal_addresses)
      if (a.primary && !addr) addr = &a;
    if (!addr && !p->postal_addresses.empty()) addr = &p->postal_addresses.front();
    static const PostalAddress kNoAddress;
    if (!addr) addr = &kNoAddress;

    if (p->email) append_csv_cell(buf, *p->email);
    buf.push_back(',');
    put_status(buf, org, Channel::kEmail, p->email);
    buf.push_back(',');
    if (p->phone) append_csv_cell(buf, *p->phone);
    buf.push_back(',');
    put_status(buf, org, Channel::kSms, p->phone);
    buf.push_back(',');
    append_csv_cell(buf, p->given_name);
    buf.push_back(',');
    append_csv_cell(buf, p->family_name);
    buf.push_back(',');
    if (addr->address_lines.size() > 0) append_csv_cell(buf, addr->address_lines[0]);
    buf.push_back(',');
    if (addr->address_lines.size() > 1) append_csv_cell(buf, addr->address_lines[1]);
    buf.push_back(',');
    append_csv_cell(buf, addr->locality);
    buf.push_back(',');
    append_csv_cell(buf, addr->region);
    buf.push_back(',');
    append_csv_cell(buf, addr->postal_code);
    buf.push_back(',');
    append_csv_cell(buf, addr->country);
    buf.push_back(',');
    put_joined(buf, p->languages_spoken);
    buf.push_back(',');
    put_joined(buf, p->identifiers);
    buf.push_back(',');
    if (p->birthdate) append_csv_cell(buf, *p->birthdate);
    buf.push_back(',');
    buf += format_iso8601(p->created);
    buf.push_back(',');
    buf += format_iso8601(p->modified);
    for (const auto& f : org.custom_fields) {
      buf.push_back(',');
      if (auto it = p->custom_fields.find(f.name); it != p->custom_fields.end())
        append_csv_cell(buf, it->second);
    }
    buf += "\r\n";
    ++n;
    if (buf.size() >= (1 << 20) && !flush())
      return internal_error(std::string("write failed: ") + std::strerror(errno));
  }
  if (!flush() || std::fflush(out) != 0)
    return internal_error(std::string("write failed: ") + std::strerror(errno));
  if (progress) progress(total, total);
  return n;
}

}  // namespace tocsin::importer
