#include "importer/csv_import.h"

#include <csv.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>
#include <simdjson.h>
#include <sodium.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <future>
#include <optional>
#include <span>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "consent/ledger_entry.h"
#include "core/clock.h"
#include "core/contact_point.h"
#include "core/ids.h"
#include "core/text.h"
#include "importer/parsed_rows.h"
#include "people/upsert.h"

namespace tocsin::importer {

namespace {

using Consent = consent::Status;

// Read-only view of the whole file: hashed once for the evidence, then parsed without copying.
class MappedFile {
 public:
  MappedFile() = default;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile() {
    if (data_ && size_) ::munmap(const_cast<char*>(data_), size_);
  }

  Status open(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return bad_request("cannot read " + path + ": " + std::strerror(errno));
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
      ::close(fd);
      return bad_request("cannot read " + path + ": not a regular file");
    }
    size_ = static_cast<size_t>(st.st_size);
    if (size_ > 0) {
      void* p = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
      if (p == MAP_FAILED) {
        ::close(fd);
        size_ = 0;
        return bad_request("cannot read " + path + ": " + std::strerror(errno));
      }
      ::madvise(p, size_, MADV_SEQUENTIAL);
      data_ = static_cast<const char*>(p);
    }
    ::close(fd);
    return Ok{};
  }
  std::string_view view() const { return {data_ ? data_ : "", size_}; }

 private:
  const char* data_ = nullptr;
  size_t size_ = 0;
};

std::string sha256_prefix(std::string_view data, size_t hex_chars) {
  crypto_hash_sha256_state st;
  crypto_hash_sha256_init(&st);
  crypto_hash_sha256_update(&st, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  unsigned char out[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&st, out);
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, out, sizeof out);
  return std::string(hex, hex_chars);
}

std::string canonical_header(std::string_view s) {
  std::string out;
  for (char c : trim_ascii_space(s)) {
    if (c == ' ' || c == '-')
      c = '_';
    else if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
    out.push_back(c);
  }
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

bool is_truthy(std::string_view v) {
  v = trim_ascii_space(v);
  return iequals(v, "true") || iequals(v, "yes") || v == "1";
}

// Opt-outs win: any ledger status other than none/subscribed is kept against an import's subscribe.
bool is_suppressed(Consent s) {
  return s != Consent::kNone && s != Consent::kSubscribed;
}

// Splits on whitespace and commas (languages, identifiers).
template <typename Fn>
void for_each_token(std::string_view s, Fn&& fn) {
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (is_ascii_space(s[i]) || s[i] == ',')) ++i;
    size_t j = i;
    while (j < s.size() && !is_ascii_space(s[j]) && s[j] != ',') ++j;
    if (j > i) fn(s.substr(i, j - i));
    i = j;
  }
}

bool is_iso_date_shape(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}

struct ColumnSpec {
  Column kind = Column::kCustom;
  std::string custom_name;  // kCustom only
};

class Importer {
 public:
  Importer(store::Store& store, people::OrgState& org, const ImportOptions& opts)
      : store_(store), org_(org), opts_(opts) {}

  Result<ImportSummary> run() {
    const auto t0 = std::chrono::steady_clock::now();
    start_ = t0;
    summary_.batch = new_uuid();
    actor_ = "import:" + summary_.batch;

    if (!opts_.consent_date.empty()) {
      auto t = parse_iso8601(trim_ascii_space(opts_.consent_date));
      if (!t) return bad_request("--consent-date: not an ISO-8601 date or time: " + opts_.consent_date);
      file_consent_time_ = *t;
    }
    MappedFile file;
    if (!opts_.contents)
      if (auto s = file.open(opts_.path); !s) return s.error();
    const std::string_view whole = opts_.contents ? *opts_.contents : file.view();
    std::string_view data = whole;
    file_label_ = fmt::format(
        "file {}, sha256 {}",
        opts_.file_name.empty() ? std::filesystem::path(opts_.path).filename().string() : opts_.file_name,
        sha256_prefix(data, 16));
    if (data.substr(0, 3) == "\xEF\xBB\xBF") data.remove_prefix(3);  // UTF-8 byte order mark

    // Strict RFC 4180 quoting, so a stray quote can never swallow the lines after it into one field: the
    // record is rejected and parsing resumes at the next line with a fresh parser.
    constexpr unsigned char kCsvOptions = CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL;
    csv_parser parser;
    if (csv_init(&parser, kCsvOptions) != 0) return internal_error("cannot initialize the CSV parser");
    constexpr size_t kChunk = 1 << 20;
    size_t pos = 0;
    total_bytes_ = static_cast<int64_t>(whole.size());
    while (pos < data.size() && !fatal_) {
      parsed_bytes_ = static_cast<int64_t>(whole.size() - data.size() + pos);
      size_t n = std::min(kChunk, data.size() - pos);
      size_t used = csv_parse(&parser, data.data() + pos, n, &Importer::on_field, &Importer::on_record, this);
      if (used == n) {
        pos += n;
        continue;
      }
      if (csv_error(&parser) != CSV_EPARSE) {
        fatal_ = internal_error(std::string("CSV parser: ") + csv_strerror(csv_error(&parser)));
        break;
      }
      malformed_record();
      size_t nl = data.find('\n', pos + used);
      pos = nl == std::string_view::npos ? data.size() : nl + 1;
      csv_free(&parser);
      if (csv_init(&parser, kCsvOptions) != 0) return internal_error("cannot initialize the CSV parser");
    }
    if (!fatal_ && csv_fini(&parser, &Importer::on_field, &Importer::on_record, this) != 0)
      malformed_record();
    csv_free(&parser);
    if (!fatal_ && !header_done_) fatal_ = bad_request(opts_.path + " is empty: a header row is needed");
    if (!fatal_) flush_rows();
    if (!fatal_ && !serving())
      if (auto s = commit(); !s) fatal_ = s.error();
    if (auto s = wait_inflight(); !s && !fatal_) fatal_ = s.error();
    if (fatal_) return *fatal_;

    summary_.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (opts_.on_progress)
      opts_.on_progress(
          {summary_.rows, summary_.imported, summary_.errors, total_bytes_, total_bytes_, summary_.seconds});
    return summary_;
  }

 private:
  // libcsv callbacks: the cells of each record are gathered into rows_, and a full block of rows is applied.
  static void on_field(void* data, size_t len, void* self_ptr) {
    static_cast<Importer*>(self_ptr)->rows_.add_cell(static_cast<const char*>(data), len);
  }
  static void on_record(int, void* self_ptr) {
    auto* self = static_cast<Importer*>(self_ptr);
    if (self->fatal_) return self->rows_.clear();
    try {
      if (!self->header_done_) {
        self->rows_.end_row(0);
        self->rows_.seal();
        self->header(self->rows_.cells(0));
        self->rows_.clear();
        return;
      }
      ++self->row_no_;
      ++self->summary_.rows;
      self->rows_.end_row(self->row_no_);
      if (self->rows_.size() >= self->block_size()) self->flush_rows();
    } catch (const std::exception& e) {  // never unwind through the C parser
      self->fatal_ = internal_error(std::string("import failed: ") + e.what());
    }
  }

  // The record being read has broken quoting (a quote inside an unquoted field, text after a closing quote,
  // or a quoted field left open at the end of the file). Kept in its block, so it is reported in row order.
  void malformed_record() {
    if (!header_done_) {
      rows_.clear();
      fatal_ = bad_request("header: malformed quoting");
      return;
    }
    ++row_no_;
    ++summary_.rows;
    rows_.add_malformed(row_no_);
    if (rows_.size() >= block_size()) flush_rows();
  }

  // Rows parsed before a block is applied: the serving committer's block, or (CLI) the rows whose contact
  // points are normalized together on every core.
  size_t block_size() const {
    return std::max<size_t>(1, serving() ? opts_.block_rows : opts_.parse_ahead_rows);
  }

  // Applies the rows parsed so far, in order; errors become fatal_.
  void flush_rows() {
    try {
      rows_.prepare(contact_columns_, threads_);
      if (auto s = serving() ? flush_block() : apply_rows(); !s) fatal_ = s.error();
    } catch (const std::exception& e) {
      fatal_ = internal_error(std::string("import failed: ") + e.what());
    }
    rows_.clear();
  }

  void header(std::span<const std::string_view> cells) {
    header_done_ = true;
    std::unordered_map<std::string, size_t> seen;  // mapped kind or custom name -> column
    bool contact = false;
    for (size_t i = 0; i < cells.size(); ++i) {
      if (!simdjson::validate_utf8(cells[i].data(), cells[i].size())) {
        fatal_ =
            bad_request(fmt::format("header: column {} is not valid UTF-8 (save the file as UTF-8)", i + 1));
        return;
      }
      ColumnSpec spec;
      spec.kind = map_header(cells[i]);
      if (spec.kind == Column::kCustom) spec.custom_name = std::string(trim_ascii_space(cells[i]));
      if (spec.kind != Column::kIgnored) {
        std::string key = spec.kind == Column::kCustom
                              ? "custom:" + spec.custom_name
                              : "field:" + std::to_string(static_cast<int>(spec.kind));
        if (auto [it, inserted] = seen.emplace(key, i); !inserted) {
          fatal_ = bad_request(fmt::format("header: columns {} and {} (\"{}\", \"{}\") mean the same field",
                                           it->second + 1, i + 1, trim_ascii_space(cells[it->second]),
                                           trim_ascii_space(cells[i])));
          return;
        }
      }
      contact |= spec.kind == Column::kEmail || spec.kind == Column::kPhone;
      columns_.push_back(std::move(spec));
    }
    if (!contact) fatal_ = bad_request("header: an email or a phone column is needed (see docs/IMPORT.md)");
    if (fatal_) return;
    contact_columns_.columns = columns_.size();
    for (size_t i = 0; i < columns_.size(); ++i) {
      if (columns_[i].kind == Column::kEmail) contact_columns_.email = i;
      if (columns_[i].kind == Column::kPhone) contact_columns_.phone = i;
    }
    // Set when the organization is created, never changed: safe to read here, outside its lock.
    contact_columns_.default_region = org_.org.default_region;
    contact_columns_.hasher = org_.hasher;
    if (serving()) return;  // the list is opened in the first block, on the committer thread
    auto w = batch_.for_org(org_.org.id);
    open_list(w);
  }

  bool serving() const { return static_cast<bool>(opts_.write_block); }

  // Row i of the block decided against `org_` and written to `w`: both modes.
  void apply_parsed(size_t i, store::WriteBatch::OrgWrites& w, Micros now) {
    row_no_ = rows_.row_no(i);
    if (rows_.malformed(i))
      reject("malformed quoting (a quote must open and close a field, and be doubled inside it)");
    else
      apply_row(rows_.cells(i), rows_.contacts(i), w, now);
  }

  // Serving: applies the block in one call of write_block (on the committer thread, under the
  // organization's lock), and returns once it is durable. Its contact points were normalized before, here.
  Status flush_block() {
    if (rows_.size() == 0 && list_open_) return Ok{};
    const int64_t parsed_rows = row_no_;
    auto s = opts_.write_block(
        [this](store::WriteBatch::OrgWrites& w, Micros now, std::vector<ContactHash>& opted_out) {
          opted_out_ = &opted_out;
          try {
            if (!list_open_) open_list(w);
            for (size_t i = 0; i < rows_.size(); ++i) apply_parsed(i, w, now);
          } catch (const std::exception& e) {  // never unwind through the committer
            fatal_ = internal_error(std::string("import failed: ") + e.what());
          }
          opted_out_ = nullptr;
        });
    row_no_ = parsed_rows;
    if (!s)
      return internal_error(fmt::format("commit failed ({}); rows 1 to {} are stored, later rows are not",
                                        s.error().message, committed_last_row_));
    committed_last_row_ = parsed_rows;
    if (fatal_) return *fatal_;
    if (opts_.on_progress)
      opts_.on_progress({summary_.rows, summary_.imported, summary_.errors, parsed_bytes_, total_bytes_,
                         std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count()});
    return Ok{};
  }

  void open_list(store::WriteBatch::OrgWrites& w) {
    list_open_ = true;
    if (opts_.list_name.empty()) return;
    for (const auto& l : org_.lists)
      if (l.name == opts_.list_name) list_id_ = l.id;
    if (list_id_.empty()) {
      Micros now = now_micros();
      PeopleList l{new_uuid(), opts_.list_name, "Report", now, now};
      list_id_ = l.id;
      org_.lists.push_back(l);
      w.add(store::op::PutList{std::move(l)});
      return;
    }
    for (const auto& item : org_.list_items)
      if (item.list_id == list_id_) listed_.insert(item.person_id);
  }

  std::optional<Micros> parse_date_cached(std::string_view s) {
    auto it = date_cache_.find(std::string(s));  // dates repeat: parsing is the slow part
    if (it != date_cache_.end()) return it->second;
    if (date_cache_.size() > 65536) date_cache_.clear();
    auto t = parse_iso8601(s);
    date_cache_.emplace(std::string(s), t);
    return t;
  }

  void reject(std::string_view reason) {
    ++summary_.errors;
    if (opts_.on_row_error) opts_.on_row_error(row_no_, reason);
  }

  // The person signup() will match (same rules), to merge a partial address into their own.
  const Person* planned_target(const std::optional<ContactHash>& eh, const std::optional<ContactHash>& ph) {
    auto find = [&](const std::optional<ContactHash>& h) -> const Person* {
      if (!h) return nullptr;
      auto it = org_.person_by_contact.find(*h);
      return it == org_.person_by_contact.end() ? nullptr : org_.find_person(it->second);
    };
    const Person* by_email = find(eh);
    if (by_email) return by_email;
    const Person* by_phone = find(ph);
    if (eh) return by_phone && !by_phone->email ? by_phone : nullptr;
    return by_phone;
  }

  // The CLI: the block's rows are applied in order into the importer's own batch, committed in groups.
  Status apply_rows() {
    for (size_t i = 0; i < rows_.size() && !fatal_; ++i) {
      if (opts_.on_progress && (rows_.row_no(i) & 1023) == 0)
        opts_.on_progress({rows_.row_no(i), summary_.imported, summary_.errors, parsed_bytes_, total_bytes_,
                           std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count()});
      auto w = batch_.for_org(org_.org.id);
      apply_parsed(i, w, now_micros());
      if (rows_.malformed(i)) continue;
      // Group commit: while the previous batch is still being applied, keep collecting (up to a cap) rather
      // than wait, so the batch size adapts to the store's speed and the parser never idles.
      if (++pending_rows_ >= opts_.commit_rows && (pending_rows_ >= 8 * opts_.commit_rows || inflight_done()))
        if (auto s = commit(); !s) return s;
    }
    return Ok{};
  }

  // One data row (row_no_) decided against `org_` and written to `w`, its contact points normalized in `c`.
  void apply_row(std::span<const std::string_view> f, RowContacts& c, store::WriteBatch::OrgWrites& w,
                 Micros now) {
    if (f.size() != columns_.size()) {
      reject(fmt::format("expected {} columns, found {}", columns_.size(), f.size()));
      return;
    }
    // Refused, not re-encoded: guessing the file's real encoding could store a wrong name or address, and
    // invalid UTF-8 in a stored document would make it unreadable.
    if (c.bad_utf8) {
      reject(fmt::format("column {} is not valid UTF-8 (save the file as UTF-8)", *c.bad_utf8 + 1));
      return;
    }

    people::PersonInput in;
    std::string_view src, date, method, sms, email_status_raw, phone_status_raw;
    std::string_view line[2], locality, region, postal_code, country;
    bool has_address = false;
    for (size_t i = 0; i < f.size(); ++i) {
      std::string_view v = f[i];
      if (trim_ascii_space(v).empty()) continue;
      switch (columns_[i].kind) {
        case Column::kCustom:
          in.custom_fields[columns_[i].custom_name] = std::string(v);
          break;
        case Column::kIgnored:
          break;
        case Column::kEmail:  // normalized in `c`
        case Column::kPhone:
          break;
        case Column::kGivenName:
          in.given_name.set(std::string(trim_ascii_space(v)));
          break;
        case Column::kFamilyName:
          in.family_name.set(std::string(trim_ascii_space(v)));
          break;
        case Column::kAddressLine1:
          line[0] = trim_ascii_space(v), has_address = true;
          break;
        case Column::kAddressLine2:
          line[1] = trim_ascii_space(v), has_address = true;
          break;
        case Column::kLocality:
          locality = trim_ascii_space(v), has_address = true;
          break;
        case Column::kRegion:
          region = trim_ascii_space(v), has_address = true;
          break;
        case Column::kPostalCode:
          postal_code = trim_ascii_space(v), has_address = true;
          break;
        case Column::kCountry:
          country = trim_ascii_space(v), has_address = true;
          break;
        case Column::kLanguage: {
          std::vector<std::string> langs;
          for_each_token(v, [&](std::string_view t) { langs.emplace_back(t); });
          in.languages_spoken.set(std::move(langs));
          break;
        }
        case Column::kBirthdate: {
          auto b = trim_ascii_space(v);
          if (!is_iso_date_shape(b) || !parse_date_cached(b)) {
            reject(fmt::format("bad birthdate \"{}\" (expected YYYY-MM-DD)", b.substr(0, 40)));
            return;
          }
          in.birthdate.set(std::string(b));
          break;
        }
        case Column::kIdentifier: {
          bool bad = false;
          for_each_token(v, [&](std::string_view t) {
            auto colon = t.find(':');
            if (colon == 0 || colon == std::string_view::npos || colon + 1 == t.size())
              bad = true;
            else if (t.substr(0, colon) != "action_network")  // derived from the id, never stored
              in.identifiers.emplace_back(t);
          });
          if (bad) {
            reject(
                fmt::format("bad identifier \"{}\" (expected system:id)", trim_ascii_space(v).substr(0, 60)));
            return;
          }
          break;
        }
        case Column::kConsentSource:
          src = trim_ascii_space(v);
          break;
        case Column::kConsentDate:
          date = trim_ascii_space(v);
          break;
        case Column::kConsentMethod:
          method = trim_ascii_space(v);
          break;
        case Column::kSmsOptIn:
          sms = v;
          break;
        case Column::kEmailStatus:
          email_status_raw = trim_ascii_space(v);
          break;
        case Column::kPhoneStatus:
          phone_status_raw = trim_ascii_space(v);
          break;
      }
    }

    // Consent basis: each part from the row, else from the file.
    std::string_view source = src.empty() ? std::string_view(opts_.source) : src;
    std::string_view consent_method = method.empty() ? std::string_view(opts_.consent_method) : method;
    Micros consent_time = file_consent_time_;
    if (!date.empty()) {
      auto t = parse_date_cached(date);
      if (!t) {
        reject(fmt::format("bad consent_date \"{}\"", date.substr(0, 40)));
        return;
      }
      consent_time = *t;
    }
    const bool has_date = !date.empty() || !opts_.consent_date.empty();
    const bool basis =
        !trim_ascii_space(source).empty() && has_date && !trim_ascii_space(consent_method).empty();

    std::optional<Consent> email_col, phone_col;
    if (!email_status_raw.empty() && !(email_col = consent::parse_status(email_status_raw))) {
      reject(fmt::format("unknown email_status \"{}\"", email_status_raw.substr(0, 40)));
      return;
    }
    if (!phone_status_raw.empty() && !(phone_col = consent::parse_status(phone_status_raw))) {
      reject(fmt::format("unknown phone_status \"{}\"", phone_status_raw.substr(0, 40)));
      return;
    }

    if (!c.email && !c.phone) {
      reject("no email address and no phone number");
      return;
    }
    std::optional<ContactHash> eh, ph;
    if (c.email) {
      if (!*c.email) return reject(c.email->error().message);
      eh = c.email_hash;
      in.email.set(std::move(*c.email).value());
    }
    if (c.phone) {
      if (!*c.phone) return reject(c.phone->error().message);
      ph = c.phone_hash;
      in.phone.set(std::move(*c.phone).value());
    }

    // Statuses. signup() would subscribe any address new to the person; the import decides explicitly:
    // subscribe only with a basis and only from none/subscribed; record a file's opt-out; else keep.
    bool subscribes = false, kept = false, opts_out = false;
    if (eh) {
      Consent cur = org_.status_of(*eh);
      Consent want = cur;
      if (email_col && *email_col != Consent::kSubscribed) {
        if (!is_suppressed(cur)) want = *email_col, opts_out = true;
      } else if (basis) {
        if (is_suppressed(cur))
          kept = true;
        else
          want = Consent::kSubscribed, subscribes |= cur == Consent::kNone;
      }
      in.email_status = want;
    }
    if (ph) {
      Consent cur = org_.status_of(*ph);
      const bool opt_in = is_truthy(sms) || phone_col == Consent::kSubscribed;
      if (phone_col && *phone_col != Consent::kSubscribed) {
        if (!is_suppressed(cur)) in.phone_status = *phone_col, opts_out = true;
      } else if (basis && opt_in) {
        if (is_suppressed(cur))
          kept = true;
        else
          in.phone_status = Consent::kSubscribed, subscribes |= cur == Consent::kNone;
      }
    }

    if (has_address) {
      // Cells overlay the matched person's primary address; their other addresses are kept.
      const Person* target = planned_target(eh, ph);
      std::vector<PostalAddress> addresses;
      if (target) addresses = target->postal_addresses;
      PostalAddress* primary = nullptr;
      for (auto& a : addresses)
        if (a.primary && !primary) primary = &a;
      if (!primary && !addresses.empty()) primary = &addresses.front();
      if (!primary) primary = &addresses.emplace_back();
      primary->primary = true;
      auto& lines = primary->address_lines;
      for (size_t i = 0; i < 2; ++i) {
        if (line[i].empty()) continue;
        if (lines.size() <= i) lines.resize(i + 1);
        lines[i] = std::string(line[i]);
      }
      if (!locality.empty()) primary->locality = std::string(locality);
      if (!region.empty()) primary->region = std::string(region);
      if (!postal_code.empty()) primary->postal_code = std::string(postal_code);
      if (!country.empty()) primary->country = std::string(country);
      in.postal_addresses.set(std::move(addresses));
    }

    ev_.actor = actor_;
    ev_.source = fmt::format("{} ({}, row {})",
                             trim_ascii_space(source).empty() ? "csv import" : trim_ascii_space(source),
                             file_label_, row_no_);
    ev_.method = basis ? std::string(trim_ascii_space(consent_method)) : "csv import";
    ev_.consent_time = basis ? consent_time : 0;
    ev_.disclosure_text = basis ? opts_.disclosure_text : std::string();
    ev_.purpose = opts_.purpose;
    ev_.legal_basis = opts_.legal_basis;

    who_.writer = people::Writer::kImport;
    who_.age_field = opts_.age_field;
    who_.attestation.reset();
    if (basis) who_.attestation = people::Attestation{ev_.source, ev_.method, ev_.disclosure_text};
    auto r = people::signup(org_, std::move(in), kNoTags, ev_, who_, w, now);
    if (!r) return reject(r.error().message);
    if (opted_out_ && opts_out) {  // a status column recorded an opt-out: the server's fence must know
      if (eh && org_.status_of(*eh) != Consent::kSubscribed && org_.status_of(*eh) != Consent::kNone)
        opted_out_->push_back(*eh);
      if (ph && org_.status_of(*ph) != Consent::kSubscribed && org_.status_of(*ph) != Consent::kNone)
        opted_out_->push_back(*ph);
    }

    ++summary_.imported;
    ++(r->created ? summary_.created : summary_.updated);
    if (!basis) ++summary_.without_consent_basis;
    summary_.subscribed += subscribes;
    summary_.kept_suppressed += kept;
    summary_.opted_out += opts_out;
    if (!list_id_.empty() && listed_.insert(r->person->id).second) {
      ListItem item{new_time_ordered_uuid(), list_id_, r->person->id, now, now};
      org_.list_items.push_back(item);
      w.add(store::op::PutListItem{std::move(item)});
    }
  }

  // Hands the batch to a background apply and returns; the previous apply is awaited first, so at most one
  // batch is in flight and batches land in order. Parsing and matching the next rows overlaps the commit.
  Status commit() {
    if (auto s = wait_inflight(); !s) return s;
    pending_rows_ = 0;
    if (batch_.empty()) return Ok{};
    std::swap(batch_, applying_);
    inflight_last_row_ = row_no_;
    inflight_ = std::async(std::launch::async, [this] {
      auto s = store_.apply(applying_);
      applying_.clear();  // frees the ops on this thread, not the parser's
      return s;
    });
    return Ok{};
  }

  bool inflight_done() const {
    return !inflight_.valid() || inflight_.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
  }

  Status wait_inflight() {
    if (!inflight_.valid()) return Ok{};
    auto s = inflight_.get();
    if (!s)
      return internal_error(fmt::format("commit failed ({}); rows 1 to {} are stored, later rows are not",
                                        s.error().message, committed_last_row_));
    committed_last_row_ = inflight_last_row_;
    return Ok{};
  }

  inline static const std::vector<std::string> kNoTags;

  store::Store& store_;
  people::OrgState& org_;
  const ImportOptions& opts_;
  ImportSummary summary_;
  std::chrono::steady_clock::time_point start_;
  int64_t parsed_bytes_ = 0, total_bytes_ = 0;  // for on_progress
  std::string actor_, file_label_;
  Micros file_consent_time_ = 0;

  ParsedRows rows_;  // parsed, not yet applied
  ContactColumns contact_columns_;
  const size_t threads_ = std::max(1u, std::thread::hardware_concurrency());
  bool header_done_ = false;
  std::vector<ColumnSpec> columns_;
  int64_t row_no_ = 0;
  std::optional<Error> fatal_;

  std::unordered_map<std::string, std::optional<Micros>> date_cache_;
  consent::Evidence ev_;
  people::WriteAuthority who_;
  store::WriteBatch batch_, applying_;
  std::future<Status> inflight_;
  int64_t inflight_last_row_ = 0, committed_last_row_ = 0;
  size_t pending_rows_ = 0;
  std::string list_id_;
  std::unordered_set<std::string> listed_;
  bool list_open_ = false;
  std::vector<ContactHash>* opted_out_ = nullptr;  // serving only: the block's opt-outs
};

}  // namespace

Column map_header(std::string_view cell) {
  static const std::unordered_map<std::string, Column> kNames = {
      {"email", Column::kEmail},
      {"email_address", Column::kEmail},
      {"phone", Column::kPhone},
      {"phone_number", Column::kPhone},
      {"mobile", Column::kPhone},
      {"given_name", Column::kGivenName},
      {"first_name", Column::kGivenName},
      {"family_name", Column::kFamilyName},
      {"last_name", Column::kFamilyName},
      {"address_line1", Column::kAddressLine1},
      {"address_line_1", Column::kAddressLine1},
      {"address_line2", Column::kAddressLine2},
      {"address_line_2", Column::kAddressLine2},
      {"locality", Column::kLocality},
      {"city", Column::kLocality},
      {"region", Column::kRegion},
      {"state", Column::kRegion},
      {"postal_code", Column::kPostalCode},
      {"zip", Column::kPostalCode},
      {"zip_code", Column::kPostalCode},
      {"country", Column::kCountry},
      {"language", Column::kLanguage},
      {"birthdate", Column::kBirthdate},
      {"identifier", Column::kIdentifier},
      {"consent_source", Column::kConsentSource},
      {"consent_date", Column::kConsentDate},
      {"consent_method", Column::kConsentMethod},
      {"sms_opt_in", Column::kSmsOptIn},
      {"email_status", Column::kEmailStatus},
      {"phone_status", Column::kPhoneStatus},
      {"created_date", Column::kIgnored},
      {"modified_date", Column::kIgnored},
      {"", Column::kIgnored},
  };
  auto it = kNames.find(canonical_header(cell));
  return it == kNames.end() ? Column::kCustom : it->second;
}

std::string ImportSummary::to_json() const {
  double rate = seconds > 0 ? static_cast<double>(rows) / seconds : 0.0;
  return fmt::format(
      "{{\"batch\":\"{}\",\"rows\":{},\"imported\":{},\"created\":{},\"updated\":{},\"subscribed\":{},"
      "\"kept_suppressed\":{},\"without_consent_basis\":{},\"opted_out\":{},\"errors\":{},\"seconds\":{:.3f},"
      "\"rows_per_second\":{:.0f}}}",
      batch, rows, imported, created, updated, subscribed, kept_suppressed, without_consent_basis, opted_out,
      errors, seconds, rate);
}

Result<ImportSummary> import_csv(store::Store& store, people::OrgState& org, const ImportOptions& opts) {
  return Importer(store, org, opts).run();
}

}  // namespace tocsin::importer
