// Encryption at rest's building blocks (store/sealing/): sealed values, data keys wrapped by a
// key-encryption key, and the key file.
#include <gtest/gtest.h>
#include <sodium.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "core/ids.h"
#include "store/sealing/data_keys.h"
#include "store/sealing/field_sealer.h"

namespace tocsin::store {
namespace {

DataKey key(uint32_t id, unsigned char fill) {
  DataKey k;
  k.id = id;
  k.secret.fill(fill);
  return k;
}

TEST(FieldSealer, WithoutKeysValuesPassThrough) {
  ASSERT_GE(sodium_init(), 0);
  FieldSealer s;
  EXPECT_FALSE(s.enabled());
  EXPECT_EQ(s.seal("ann@example.org", SealedColumn::kPersonDoc), "ann@example.org");
  EXPECT_EQ(*s.open("ann@example.org", SealedColumn::kPersonDoc), "ann@example.org");
  EXPECT_FALSE(s.stale("ann@example.org"));
}

TEST(FieldSealer, SealsUnderTheCurrentKeyAndOpensOnlyAsItsOwnColumn) {
  FieldSealer s;
  s.set_keys({key(1, 1)});
  std::string sealed = s.seal(R"({"e":"ann@example.org"})", SealedColumn::kPersonDoc);
  EXPECT_TRUE(sealed.starts_with("tq1:1:"));
  EXPECT_EQ(sealed.find("ann"), std::string::npos);
  EXPECT_NE(sealed, s.seal(R"({"e":"ann@example.org"})", SealedColumn::kPersonDoc));  // fresh nonce
  EXPECT_EQ(*s.open(sealed, SealedColumn::kPersonDoc), R"({"e":"ann@example.org"})");
  EXPECT_FALSE(s.open(sealed, SealedColumn::kOrgDoc).ok());
  EXPECT_EQ(FieldSealer::sealed_key(sealed), 1u);
  EXPECT_EQ(s.seal("", SealedColumn::kLedgerIp), "");  // blanked stays blank
  // Plaintext written before encryption still reads; it is what a rotation seals.
  EXPECT_EQ(*s.open(R"({"e":"old"})", SealedColumn::kPersonDoc), R"({"e":"old"})");
  EXPECT_TRUE(s.stale(R"({"e":"old"})"));
  EXPECT_FALSE(s.stale(sealed));
}

TEST(FieldSealer, AnAlteredValueDoesNotOpen) {
  FieldSealer s;
  s.set_keys({key(1, 1)});
  std::string sealed = s.seal("192.0.2.44", SealedColumn::kLedgerIp);
  std::string altered = sealed;
  altered[altered.size() - 3] = altered[altered.size() - 3] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(s.open(altered, SealedColumn::kLedgerIp).ok());
  EXPECT_EQ(s.open_or_stored(altered, SealedColumn::kLedgerIp), altered);  // evidence stays readable
  EXPECT_FALSE(s.open("tq1:1:not base64!", SealedColumn::kLedgerIp).ok());
}

TEST(FieldSealer, TheNewestKeySealsAndEveryKeyHeldOpens) {
  FieldSealer s;
  s.set_keys({key(1, 1)});
  std::string old = s.seal("v", SealedColumn::kDeliveryAddress);
  s.set_keys({key(1, 1), key(2, 2)});
  EXPECT_EQ(s.current_key(), 2u);
  EXPECT_TRUE(s.seal("v", SealedColumn::kDeliveryAddress).starts_with("tq1:2:"));
  EXPECT_EQ(*s.open(old, SealedColumn::kDeliveryAddress), "v");
  EXPECT_TRUE(s.stale(old));
  s.set_keys({key(2, 2)});
  auto gone = s.open(old, SealedColumn::kDeliveryAddress);
  ASSERT_FALSE(gone.ok());
  EXPECT_NE(gone.error().message.find("data key 1"), std::string::npos);
}

TEST(DataKeys, OnlyTheirKeyEncryptionKeyUnwrapsThem) {
  KeyEncryptionKey kek, other;
  kek.secret.fill(3);
  other.secret.fill(4);
  DataKey k = generate_data_key(5);
  std::vector<DataKeyRow> rows = {{5, wrap_data_key(kek, k), 1}};
  auto opened = unwrap_data_keys(kek, rows);
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ((*opened)[0].secret, k.secret);
  EXPECT_FALSE(unwrap_data_keys(other, rows).ok());
  rows[0].id = 6;  // a wrapped key cannot pass for another id
  EXPECT_FALSE(unwrap_data_keys(kek, rows).ok());
}

TEST(DataKeys, TheKeyFileIsCreatedOnceOwnerOnlyAndReadBack) {
  auto path = std::filesystem::temp_directory_path() / ("tocsin-kek-" + new_uuid());
  auto made = create_kek_file(path.string());
  ASSERT_TRUE(made.ok());
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_FALSE(create_kek_file(path.string()).ok());  // never overwritten
  auto read = read_kek_file(path.string());
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->secret, made->secret);
  std::ofstream(path) << "not a key\n";
  EXPECT_FALSE(read_kek_file(path.string()).ok());
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace tocsin::store
