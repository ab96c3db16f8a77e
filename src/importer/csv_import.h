// CSV import of people (`tocsin import`). The header maps columns to person fields (docs/IMPORT.md); every
// other column becomes a custom field. A row is subscribed only with a consent basis — source, date and
// method, from the file-level options or the row's own columns — and never over an opt-out, bounce or
// complaint already in the ledger; its phone only with the basis and an explicit opt-in (sms_opt_in or
// phone_status), the basis being the importer's attestation (people/subscribe_rule.h). Rows go through
// people::signup, so the age gate and the names' control-character rule apply to them as to the API. Accepted
// rows are committed durably in batches, so a later bad row never loses the rows before it, and a crash loses
// at most the batches not yet committed. Each block of rows first has its cells checked and its email
// addresses and phone numbers normalized on every core (importer/parsed_rows.h), then is applied row by row
// in file order.
//
// Two ways to write. The CLI (which holds the data-dir lock) owns `org` exclusively for the whole import and
// the importer applies its batches to the store itself. A serving process (the console's upload) shares `org`
// with readers and the committer: it sets ImportOptions::write_block, and every block of rows is decided and
// applied inside that call, on the committer thread under the organization's lock; the importer's own thread
// then only parses. The rows, their checks and their evidence are the same code either way.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "consent/scope.h"
#include "core/result.h"
#include "people/directory.h"
#include "store/store.h"

namespace tocsin::importer {

// What a header cell means.
enum class Column {
  kCustom,   // any other name: a custom field named as the header cell (trimmed)
  kIgnored,  // created_date, modified_date (system-managed) and nameless columns
  kEmail,
  kPhone,
  kGivenName,
  kFamilyName,
  kAddressLine1,
  kAddressLine2,
  kLocality,
  kRegion,
  kPostalCode,
  kCountry,
  kLanguage,
  kBirthdate,
  kIdentifier,
  kConsentSource,
  kConsentDate,
  kConsentMethod,
  kSmsOptIn,
  kEmailStatus,
  kPhoneStatus,
};

// Case-insensitive; spaces, underscores and hyphens are equivalent ("First Name" = first_name).
Column map_header(std::string_view header_cell);

struct ImportProgress {
  int64_t rows = 0;                    // data rows read so far
  int64_t imported = 0, errors = 0;    // of those rows, accepted and rejected (so far as applied)
  int64_t bytes = 0, total_bytes = 0;  // of the file: parsed so far (to the last 1 MiB chunk) and its size
  double seconds = 0;
};

// One block of rows for a serving process's committer (ImportOptions::write_block): applies them to the
// organization and queues their writes in `w`; fills `opted_out` with the contact points a row opted out, so
// the caller can hold its answer behind the opt-out fence.
using RowBlock =
    std::function<void(store::WriteBatch::OrgWrites& w, Micros now, std::vector<ContactHash>& opted_out)>;

struct ImportOptions {
  std::string path;  // the CSV file
  // The file's bytes already in memory (an upload): `path` is then not read. `file_name` names the file in
  // the evidence ("file NAME, sha256 ..."); empty: the last component of `path`.
  std::optional<std::string_view> contents;
  std::string file_name;
  // Set by a serving process: runs one block on the committer thread with the organization's lock held
  // exclusively and returns once its writes are durable (or with the error, nothing of the block written).
  // Blocks are `block_rows` rows, so readers and other writers wait at most one block.
  std::function<Status(RowBlock)> write_block;
  size_t block_rows = 500;
  // The CLI: rows parsed ahead and checked together before they are applied in order (importer/parsed_rows.h:
  // their contact points are normalized on every core). A serving process does the same per block_rows.
  size_t parse_ahead_rows = 4096;
  // File-level consent basis; a non-empty per-row column overrides each part.
  std::string source, consent_date, consent_method;
  std::string disclosure_text;
  // What the imported consent is for and its legal basis (consent/scope.h), for every row.
  std::string purpose;
  std::optional<consent::LegalBasis> legal_basis;
  std::string age_field;  // [privacy] age_custom_field: a custom field carrying an age (people/age_gate.h)
  std::string list_name;  // non-empty: add every imported person to this list (created if needed)
  // Accepted rows per durable commit. Commits run in the background while parsing goes on; while one is still
  // running, rows keep accumulating (up to 8x this), so the batch size adapts to the store's speed.
  size_t commit_rows = 20000;
  // Called for each rejected row: 1-based data row number (header excluded) and the reason.
  std::function<void(int64_t row, std::string_view reason)> on_row_error;
  // Called about every 1,000 rows, and once at the end, with how far the import is (app/progress.h draws it).
  std::function<void(const ImportProgress&)> on_progress;
};

struct ImportSummary {
  std::string batch;  // uuid; ledger entries carry actor "import:<batch>"
  int64_t rows = 0;   // data rows read
  int64_t imported = 0, created = 0, updated = 0;
  int64_t subscribed = 0;       // rows for which this import recorded a subscription
  int64_t kept_suppressed = 0;  // rows with a basis whose address stayed unsubscribed/bouncing/complaint
  int64_t without_consent_basis = 0;
  int64_t opted_out = 0;  // rows whose email_status/phone_status column recorded an opt-out
  int64_t errors = 0;
  double seconds = 0;

  // One JSON line: {"batch": ..., "rows": ..., ..., "rows_per_second": ...}
  std::string to_json() const;
};

// Imports `opts.path` into `org`, writing through `store`. Fails (without importing anything) when the file
// cannot be read, the header is unusable or a file-level option is invalid; fails after partial progress
// only if a commit fails (every earlier commit stays durable). Row errors do not fail the import.
Result<ImportSummary> import_csv(store::Store& store, people::OrgState& org, const ImportOptions& opts);

}  // namespace tocsin::importer
