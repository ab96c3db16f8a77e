// The disclosure log's pieces that do not need a server (privacy/disclosure_log.h,
// messaging/processor_disclosures.h): how processors are named (never with credentials), what a blast's and
// a batch of one-offs' entries say, that a disclosure's hash covers its recipient while a read's fields are
// those entries had before disclosures existed, and that one-off hand-overs reach the store as one entry
// per organization and channel, listing each person once.
#include <gtest/gtest.h>

#include <filesystem>

#include "consent/ledger_entry.h"
#include "core/ids.h"
#include "messaging/processor_disclosures.h"
#include "privacy/disclosure_log.h"
#include "store/group_commit.h"

namespace tocsin {
namespace {

namespace fs = std::filesystem;

TEST(ProcessorNames, NameTheHopWithoutCredentials) {
  EXPECT_EQ(messaging::smtp_relay_processor("mail.example.net", 587), "SMTP relay mail.example.net:587");
  EXPECT_EQ(messaging::outbox_folder_processor("/srv/tocsin/outbox"),
            "local outbox folder /srv/tocsin/outbox");
  EXPECT_EQ(messaging::kannel_processor("http://kannel:secret@127.0.0.1:13013/cgi-bin/sendsms?password=x#f"),
            "Kannel gateway http://127.0.0.1:13013/cgi-bin/sendsms");
  EXPECT_EQ(messaging::twilio_processor("https://api.twilio.com/2010-04-01?token=t", "AC123"),
            "Twilio-compatible API https://api.twilio.com/2010-04-01 account AC123");
  EXPECT_EQ(messaging::url_without_credentials("not a url at all"), "(unparsable URL)");
}

TEST(ProcessorEntries, ABlastNamesItsMessageAndCountButNoOne) {
  auto e = messaging::blast_handover_entry("SMTP relay h:25", "m-1", Channel::kEmail, 3, 1000);
  EXPECT_EQ(e.action, "blast.handover");
  EXPECT_EQ(e.query, "blast message m-1: email addresses and rendered content of 3 recipients");
  EXPECT_EQ(e.count, 3);
  EXPECT_EQ(e.message_id, "m-1");
  EXPECT_TRUE(e.person_ids.empty());
  EXPECT_TRUE(store::is_disclosure(e));
  EXPECT_FALSE(store::is_bulk_read(e));  // found through the people's own deliveries, not by everyone
  EXPECT_EQ(e.basis, messaging::kBlastBasis);
  auto sms = messaging::blast_handover_entry("Kannel gateway http://k/", "m-2", Channel::kSms, 1, 1000);
  EXPECT_EQ(sms.query, "blast message m-2: phone numbers and texts of 1 recipient");
}

TEST(ChainedFields, AReadKeepsItsFormatAndADisclosureCoversItsRecipientAndBasis) {
  store::AccessEntry read;
  read.seq = 1;
  read.at = 5;
  read.actor = "api_key:k";
  read.action = "person.read";
  read.person_ids = {"p1"};
  read.count = 1;
  read.prev_hash = consent::kGenesisHash;
  auto fields = store::access_chained_fields("org", read);
  ASSERT_EQ(fields.size(), 11u);  // as migration 7 wrote them: entries from then still verify
  EXPECT_EQ(fields[0], "tocsin-access-v1");

  store::AccessEntry disclosed = read;
  disclosed.recipient = "api_key:k from 192.0.2.1";
  disclosed.basis = "b";
  auto d = store::access_chained_fields("org", disclosed);
  ASSERT_EQ(d.size(), 14u);
  EXPECT_EQ(d[0], "tocsin-disclosure-v1");
  EXPECT_EQ(d[11], "api_key:k from 192.0.2.1");
  auto other = disclosed;
  other.recipient = "someone else";
  EXPECT_NE(consent::chained_hash(d), consent::chained_hash(store::access_chained_fields("org", other)));
}

TEST(DisclosedToReader, NamesTheReaderAndWhereFrom) {
  auto r = privacy::disclosed_to_reader(
      {"org", "api_key:k", "192.0.2.1", "people.list", "/api/v2/people", {"p"}}, privacy::kOwnUseBasis);
  EXPECT_EQ(r.recipient, "api_key:k from 192.0.2.1");
  EXPECT_EQ(r.basis, privacy::kOwnUseBasis);
  EXPECT_EQ(privacy::reader_recipient("cli:ann", ""), "cli:ann");
  auto e = privacy::access_entry(r);
  EXPECT_TRUE(store::is_disclosure(e));
}

class OneOffBatching : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("tocsin-disclosures-" + new_uuid());
    fs::create_directories(dir_);
    auto st = store::open_sqlite_store((dir_ / "t.db").string());
    ASSERT_TRUE(st.ok());
    store_ = std::move(st).value();
    ASSERT_TRUE(store_->create_org(Org{"org-a", "A", "US", false, false, 1}).ok());
    ASSERT_TRUE(store_->create_org(Org{"org-b", "B", "US", false, false, 2}).ok());
    committer_ = std::make_unique<store::GroupCommitter>(*store_);
  }
  void TearDown() override {
    committer_.reset();
    store_.reset();
    fs::remove_all(dir_);
  }
  std::vector<store::AccessEntry> log(const std::string& org) {
    auto got = store_->scope(org).access_log({});
    EXPECT_TRUE(got.ok());
    return got.value();
  }

  fs::path dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<store::GroupCommitter> committer_;
};

TEST_F(OneOffBatching, OneEntryPerOrganizationAndChannelListingEachPersonOnce) {
  messaging::ProcessorDisclosures d(*committer_, {"SMTP relay h:25", "Kannel gateway http://k/"});
  d.one_off("org-a", Channel::kEmail, "p1", "autoresponse");
  d.one_off("org-a", Channel::kEmail, "p2", "autoresponse");
  d.one_off("org-a", Channel::kEmail, "p1", "re-subscription confirmation");
  d.one_off("org-a", Channel::kSms, "", "keyword reply");  // a number nobody on file holds
  d.one_off("org-b", Channel::kEmail, "q1", "autoresponse");
  EXPECT_TRUE(log("org-a").empty());                        // nothing written per message
  d.blast_handed_over("org-a", "m-0", Channel::kEmail, 0);  // nothing handed over, nothing disclosed
  d.flush();
  committer_->run_sync([](store::WriteBatch&) { return std::function<void()>{}; });

  auto a = log("org-a");
  ASSERT_EQ(a.size(), 2u);
  const auto& mail = a[0].recipient == "SMTP relay h:25" ? a[0] : a[1];
  const auto& text = a[0].recipient == "SMTP relay h:25" ? a[1] : a[0];
  EXPECT_EQ(mail.action, "one_off.handover");
  EXPECT_EQ(mail.count, 3);
  EXPECT_EQ(mail.person_ids, (std::vector<std::string>{"p1", "p2"}));
  EXPECT_NE(mail.query.find("2 autoresponse, 1 re-subscription confirmation"), std::string::npos)
      << mail.query;
  EXPECT_EQ(mail.basis, messaging::kOneOffBasis);
  EXPECT_EQ(text.recipient, "Kannel gateway http://k/");
  EXPECT_EQ(text.count, 1);
  EXPECT_TRUE(text.person_ids.empty());
  auto b = log("org-b");
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].person_ids, std::vector<std::string>{"q1"});

  d.flush();  // nothing pending: nothing more written
  committer_->run_sync([](store::WriteBatch&) { return std::function<void()>{}; });
  EXPECT_EQ(log("org-a").size(), 2u);
}

TEST_F(OneOffBatching, ABatchIsWrittenBeforeItWouldListMoreThanAnEntryKeeps) {
  messaging::ProcessorDisclosures d(*committer_, {"SMTP relay h:25", "sms"});
  for (size_t i = 0; i < store::kAccessPeopleListed + 5; ++i)
    d.one_off("org-a", Channel::kEmail, "p" + std::to_string(i), "autoresponse");
  d.stop();  // flushes the rest
  committer_->run_sync([](store::WriteBatch&) { return std::function<void()>{}; });
  auto a = log("org-a");
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[0].person_ids.size(), store::kAccessPeopleListed);
  EXPECT_EQ(a[1].person_ids.size(), 5u);
  EXPECT_FALSE(store::is_bulk_read(a[0]));
}

}  // namespace
}  // namespace tocsin
