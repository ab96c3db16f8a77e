#include "importer/parsed_rows.h"

#include <simdjson.h>

#include <algorithm>
#include <future>

#include "core/text.h"

namespace tocsin::importer {

namespace {

// Below this, a helper thread costs more to start than it saves.
constexpr size_t kMinRowsPerThread = 64;

// A cell's text when it is not blank (apply_row skips blank cells the same way).
std::string_view non_blank(std::span<const std::string_view> cells, std::optional<size_t> column) {
  if (!column) return {};
  std::string_view v = cells[*column];
  return trim_ascii_space(v).empty() ? std::string_view() : v;
}

void prepare_row(const ContactColumns& cols, std::span<const std::string_view> cells, RowContacts& out) {
  if (cells.size() != cols.columns) return;
  for (size_t i = 0; i < cells.size(); ++i)
    if (!simdjson::validate_utf8(cells[i].data(), cells[i].size())) {
      out.bad_utf8 = i;
      return;
    }
  if (auto v = non_blank(cells, cols.email); !v.empty()) {
    out.email = normalize_email(v);
    if (*out.email) out.email_hash = cols.hasher->hash(Channel::kEmail, out.email->value());
  }
  if (auto v = non_blank(cells, cols.phone); !v.empty()) {
    out.phone = normalize_phone(v, cols.default_region);
    if (*out.phone) out.phone_hash = cols.hasher->hash(Channel::kSms, out.phone->value());
  }
}

}  // namespace

void ParsedRows::add_cell(const char* data, size_t len) {
  spans_.emplace_back(bytes_.size(), len);
  bytes_.append(data, len);
}

void ParsedRows::end_row(int64_t row_no) {
  rows_.push_back({row_no, open_first_, spans_.size() - open_first_, false});
  open_first_ = spans_.size();
}

void ParsedRows::drop_open_row() {
  if (open_first_ < spans_.size()) {
    bytes_.resize(spans_[open_first_].first);
    spans_.resize(open_first_);
  }
}

void ParsedRows::add_malformed(int64_t row_no) {
  drop_open_row();
  rows_.push_back({row_no, open_first_, 0, true});
}

void ParsedRows::seal() {
  views_.clear();
  views_.reserve(spans_.size());
  for (auto [off, len] : spans_) views_.emplace_back(bytes_.data() + off, len);
}

void ParsedRows::prepare(const ContactColumns& columns, size_t threads) {
  seal();
  const size_t n = rows_.size();
  contacts_.assign(n, RowContacts{});
  auto part = [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i)
      if (!rows_[i].malformed) prepare_row(columns, cells(i), contacts_[i]);
  };
  threads = std::clamp<size_t>(std::min(threads, n / kMinRowsPerThread), 1, 64);
  std::vector<std::future<void>> helpers;
  for (size_t t = 1; t < threads; ++t)
    helpers.push_back(std::async(std::launch::async, part, n * t / threads, n * (t + 1) / threads));
  part(0, n / threads);
  for (auto& h : helpers) h.get();  // rethrows a helper's exception here, on the importer's thread
}

void ParsedRows::clear() {
  bytes_.clear();
  spans_.clear();
  views_.clear();
  rows_.clear();
  contacts_.clear();
  open_first_ = 0;
}

}  // namespace tocsin::importer
