// The CSV importer against a real SQLite store: header mapping, consent decisions, and batches committed in
// the background (small commit_rows, so a file spans many commits).
#include <gtest/gtest.h>
#include <sodium.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "core/clock.h"
#include "importer/csv_export.h"
#include "importer/csv_import.h"

namespace tocsin::importer {
namespace {

namespace fs = std::filesystem;
using consent::Status;

TEST(MapHeader, AliasesAreCaseAndSeparatorInsensitive) {
  EXPECT_EQ(map_header("Email"), Column::kEmail);
  EXPECT_EQ(map_header(" email address "), Column::kEmail);
  EXPECT_EQ(map_header("E-Mail"), Column::kCustom);  // not an alias: a custom field
  EXPECT_EQ(map_header("First-Name"), Column::kGivenName);
  EXPECT_EQ(map_header("LAST_NAME"), Column::kFamilyName);
  EXPECT_EQ(map_header("Mobile"), Column::kPhone);
  EXPECT_EQ(map_header("ZIP code"), Column::kPostalCode);
  EXPECT_EQ(map_header("Address Line1"), Column::kAddressLine1);
  EXPECT_EQ(map_header("city"), Column::kLocality);
  EXPECT_EQ(map_header("State"), Column::kRegion);
  EXPECT_EQ(map_header("SMS opt-in"), Column::kSmsOptIn);
  EXPECT_EQ(map_header("Consent Date"), Column::kConsentDate);
  EXPECT_EQ(map_header("modified_date"), Column::kIgnored);
  EXPECT_EQ(map_header(""), Column::kIgnored);
  EXPECT_EQ(map_header("Volunteer"), Column::kCustom);
}

class CsvImportTest : public ::testing::Test {
 protected:
  CsvImportTest()
      : dir_(fs::temp_directory_path() / ("tocsin-csv-import-" + std::to_string(::getpid()) + "-" +
                                          ::testing::UnitTest::GetInstance()->current_test_info()->name())),
        hasher_(std::array<unsigned char, 32>{7, 7, 7}) {
    if (sodium_init() < 0) std::abort();
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    auto s = store::open_sqlite_store((dir_ / "t.db").string());
    EXPECT_TRUE(s.ok());
    store_ = std::move(s).value();
    Org org{"org-1", "Test", "US"};
    EXPECT_TRUE(store_->create_org(org).ok());
    org_ = std::make_unique<people::OrgState>(org, hasher_);
  }
  ~CsvImportTest() override { fs::remove_all(dir_); }

  std::string write(const std::string& text) {
    auto p = dir_ / "in.csv";
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
  }

  ImportSummary run(const std::string& text, ImportOptions opts = {}) {
    opts.path = write(text);
    opts.on_row_error = [this](int64_t row, std::string_view reason) {
      errors_.push_back(std::to_string(row) + ": " + std::string(reason));
    };
    auto r = import_csv(*store_, *org_, opts);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? r.value() : ImportSummary{};
  }

  // What a fresh process would see: state reloaded from the store.
  std::unique_ptr<people::OrgState> reload() {
    auto o = std::make_unique<people::OrgState>(org_->org, hasher_);
    EXPECT_TRUE(o->load(store_->scope("org-1")).ok());
    return o;
  }

  static ImportOptions with_basis() {
    ImportOptions o;
    o.source = "form";
    o.consent_date = "2024-01-02";
    o.consent_method = "web_checkbox";
    return o;
  }

  fs::path dir_;
  ContactHasher hasher_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<people::OrgState> org_;
  std::vector<std::string> errors_;
};

TEST_F(CsvImportTest, ManySmallBatchesAllLandAndBadRowsLoseNothing) {
  std::string csv = "email,first_name\n";
  for (int i = 1; i <= 1000; ++i)
    csv += (i % 97 == 0 ? "bad" : "p" + std::to_string(i) + "@example.org") + ",P" + std::to_string(i) + "\n";
  auto opts = with_basis();
  opts.commit_rows = 7;
  auto s = run(csv, opts);
  EXPECT_EQ(s.rows, 1000);
  EXPECT_EQ(s.errors, 10);
  EXPECT_EQ(s.imported, 990);
  EXPECT_EQ(s.subscribed, 990);
  ASSERT_EQ(errors_.size(), 10u);
  EXPECT_EQ(errors_.front().substr(0, 4), "97: ");

  auto fresh = reload();
  EXPECT_EQ(fresh->people.size(), 990u);
  EXPECT_EQ(fresh->ledger_seq, 990);
  EXPECT_EQ(fresh->status_of(Channel::kEmail, "p1000@example.org"), Status::kSubscribed);
  EXPECT_EQ(fresh->status_of(Channel::kEmail, "p96@example.org"), Status::kSubscribed);
}

// Rows are parsed in blocks whose contact points are normalized on several threads, then applied in order:
// blocks of 2 and 3 rows, both ways of writing, must give the same rows, errors (in file order, each with its
// row number) and statuses as the file read one row at a time.
TEST_F(CsvImportTest, BlocksNormalizedInParallelKeepRowOrderAndErrors) {
  const std::string csv =
      "email,phone,sms_opt_in\n"
      "a@example.org,(202) 555-0143,yes\n"  // 1
      "b@example.org,12,yes\n"              // 2: bad phone
      ",,\n"                                // 3: no contact
      "c@example.org,\"20\"2,\n"            // 4: broken quoting
      "d@example.org\n"                     // 5: one column
      "e@example.org,+44 20 7946 0958,\n"   // 6
      "\xff@example.org,,\n"                // 7: not UTF-8
      "not-an-address,2025550199,yes\n"     // 8: bad email
      ",2025550100,yes\n";                  // 9: phone only
  const std::vector<std::string> want = {
      "2: invalid phone number: \"12\"",
      "3: no email address and no phone number",
      "4: malformed quoting (a quote must open and close a field, and be doubled inside it)",
      "5: expected 3 columns, found 1",
      "7: column 1 is not valid UTF-8 (save the file as UTF-8)",
      "8: invalid email address: \"not-an-address\"",
  };
  auto opts = with_basis();
  opts.parse_ahead_rows = 2;
  opts.commit_rows = 1;
  auto s = run(csv, opts);
  EXPECT_EQ(s.rows, 9);
  EXPECT_EQ(s.imported, 3);
  EXPECT_EQ(s.errors, 6);
  EXPECT_EQ(errors_, want);
  auto fresh = reload();
  EXPECT_EQ(fresh->people.size(), 3u);
  EXPECT_EQ(fresh->status_of(Channel::kSms, "+12025550143"), Status::kSubscribed);
  EXPECT_EQ(fresh->status_of(Channel::kSms, "+12025550100"), Status::kSubscribed);
  const Person* e = fresh->find_by_contact(Channel::kEmail, "e@example.org");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->phone, "+442079460958");

  // The console's way: blocks through write_block, here applied at once like the committer would.
  errors_.clear();
  opts.block_rows = 3;
  opts.write_block = [this](RowBlock block) -> tocsin::Status {
    store::WriteBatch batch;
    auto w = batch.for_org(org_->org.id);
    std::vector<ContactHash> opted_out;
    block(w, now_micros(), opted_out);
    return store_->apply(batch);
  };
  s = run(csv, opts);
  EXPECT_EQ(s.rows, 9);
  EXPECT_EQ(s.updated, 3);
  EXPECT_EQ(errors_, want);
}

TEST_F(CsvImportTest, WithoutBasisNothingIsSubscribedAndSuppressionsAreKept) {
  auto s = run("email,phone,sms_opt_in\na@example.org,2025550143,yes\n");
  EXPECT_EQ(s.without_consent_basis, 1);
  EXPECT_EQ(org_->status_of(Channel::kEmail, "a@example.org"), Status::kNone);
  EXPECT_EQ(org_->status_of(Channel::kSms, "+12025550143"), Status::kNone);

  run("email,email_status\na@example.org,spam complaint\n");
  s = run("email,phone,sms_opt_in\na@example.org,2025550143,yes\n", with_basis());
  EXPECT_EQ(s.kept_suppressed, 1);
  EXPECT_EQ(s.subscribed, 1);  // the phone
  EXPECT_EQ(org_->status_of(Channel::kEmail, "a@example.org"), Status::kSpamComplaint);
  EXPECT_EQ(org_->status_of(Channel::kSms, "+12025550143"), Status::kSubscribed);
  EXPECT_EQ(reload()->status_of(Channel::kEmail, "a@example.org"), Status::kSpamComplaint);
}

TEST_F(CsvImportTest, ListGetsEachPersonOnce) {
  auto opts = with_basis();
  opts.list_name = "Imported";
  run("email\na@example.org\nb@example.org\na@example.org\n", opts);
  run("email\nb@example.org\nc@example.org\n", opts);
  auto fresh = reload();
  ASSERT_EQ(fresh->lists.size(), 1u);
  EXPECT_EQ(fresh->lists[0].name, "Imported");
  EXPECT_EQ(fresh->lists[0].description, "Report");
  EXPECT_EQ(fresh->list_items.size(), 3u);
}

TEST_F(CsvImportTest, ExportQuotesAndReimportsTheSame) {
  run("email,given_name,Notes\nq@example.org,\"Ann, \"\"the\"\" first\",\"two\nlines\"\n", with_basis());
  auto path = dir_ / "out.csv";
  std::FILE* f = std::fopen(path.c_str(), "wb");
  ASSERT_TRUE(f);
  auto n = export_csv(*org_, f);
  std::fclose(f);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n.value(), 1);
  std::ifstream in(path, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("q@example.org,subscribed,,,\"Ann, \"\"the\"\" first\","), std::string::npos) << text;
  EXPECT_NE(text.find("\"two\nlines\""), std::string::npos);

  auto s = run(text, with_basis());
  EXPECT_EQ(s.updated, 1);
  EXPECT_EQ(s.errors, 0);
  const Person* p = org_->find_by_contact(Channel::kEmail, "q@example.org");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->given_name, "Ann, \"the\" first");
  EXPECT_EQ(p->custom_fields.at("Notes"), "two\nlines");
}

TEST_F(CsvImportTest, UnusableFilesFailBeforeImporting) {
  ImportOptions opts;
  opts.path = (dir_ / "missing.csv").string();
  EXPECT_FALSE(import_csv(*store_, *org_, opts).ok());
  opts.path = write("");
  EXPECT_FALSE(import_csv(*store_, *org_, opts).ok());
  opts.path = write("name\nx\n");
  EXPECT_FALSE(import_csv(*store_, *org_, opts).ok());
  EXPECT_TRUE(org_->people.empty());
}

}  // namespace
}  // namespace tocsin::importer
