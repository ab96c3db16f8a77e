// The rows of a CSV import between the parser and the in-order apply (importer/csv_import.cc), a block at a
// time, and the part of each row's work that depends on nothing but the row: its cells checked as UTF-8 and
// its email address and phone number normalized and hashed. That part runs on every core before the block's
// rows are matched one by one, because libphonenumber's parsing dominates an import with phones
// (BENCHMARKS.md "CSV import on every core"): PhoneNumberUtil is a thread-safe singleton for parsing and
// formatting, and a ContactHasher is immutable. Matching, consent and writes stay sequential, so rows, their
// numbers and their errors come out exactly as in a one-row-at-a-time import.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/contact_point.h"
#include "core/result.h"

namespace tocsin::importer {

// Where a row's contact cells are, and how to read them (from the header).
struct ContactColumns {
  size_t columns = 0;                  // cells in a well-formed row
  std::optional<size_t> email, phone;  // their column, when the header has one
  std::string default_region;          // the organization's, for numbers without a country code
  const ContactHasher* hasher = nullptr;
};

// One row after its independent checks. All empty for a row whose cell count is not `columns` (refused
// before anything else); after a cell that is not UTF-8, the contact points are left empty.
struct RowContacts {
  std::optional<size_t> bad_utf8;                   // the first such cell, 0-based
  std::optional<Result<std::string>> email, phone;  // normalize_email/_phone of a non-blank cell
  ContactHash email_hash{}, phone_hash{};           // of the normalized value, when it normalized
};

// Not thread-safe: one importer fills and reads it; prepare() alone fans out, and returns when done.
class ParsedRows {
 public:
  // The parser's side: a cell of the row being read, the row's end, or the row's loss (broken quoting).
  void add_cell(const char* data, size_t len);
  void end_row(int64_t row_no);
  void drop_open_row();                // forgets the cells added since the last end_row
  void add_malformed(int64_t row_no);  // a row that could not be read, kept in order and without cells

  size_t size() const { return rows_.size(); }
  int64_t row_no(size_t i) const { return rows_[i].row_no; }
  bool malformed(size_t i) const { return rows_[i].malformed; }
  // Row i's cells; valid after seal() (prepare() seals) until the next change.
  std::span<const std::string_view> cells(size_t i) const {
    return {views_.data() + rows_[i].first, rows_[i].count};
  }
  void seal();

  // Seals and fills contacts(i) for every row, on up to `threads` threads (the caller's one of them).
  void prepare(const ContactColumns& columns, size_t threads);
  RowContacts& contacts(size_t i) { return contacts_[i]; }

  void clear();  // keeps the buffers' capacity for the next block

 private:
  struct Row {
    int64_t row_no;
    size_t first, count;  // its cells in spans_ / views_
    bool malformed;
  };
  std::string bytes_;                             // every cell's bytes, one after another
  std::vector<std::pair<size_t, size_t>> spans_;  // each cell's offset and length in bytes_
  std::vector<std::string_view> views_;           // spans_ as views into bytes_ (seal)
  std::vector<Row> rows_;
  std::vector<RowContacts> contacts_;
  size_t open_first_ = 0;  // first cell of the row being read
};

}  // namespace tocsin::importer
