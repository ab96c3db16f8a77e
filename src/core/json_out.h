// JsonOut: a RapidJSON writer with the few conveniences tocsin's JSON output needs (HAL documents, stored
// org documents, outbox lines). Core vocabulary: every room writes JSON through it. Strings are escaped by
// RapidJSON.
#pragma once

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string>
#include <string_view>

namespace tocsin {

class JsonOut {
 public:
  JsonOut() : w_(sb_) {}
  rapidjson::Writer<rapidjson::StringBuffer>& w() { return w_; }

  JsonOut& begin() {
    w_.StartObject();
    return *this;
  }
  JsonOut& end() {
    w_.EndObject();
    return *this;
  }
  JsonOut& begin(std::string_view key) {
    k(key);
    w_.StartObject();
    return *this;
  }
  JsonOut& begin_array(std::string_view key) {
    k(key);
    w_.StartArray();
    return *this;
  }
  JsonOut& begin_array() {
    w_.StartArray();
    return *this;
  }
  JsonOut& end_array() {
    w_.EndArray();
    return *this;
  }
  JsonOut& k(std::string_view key) {
    w_.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
    return *this;
  }
  JsonOut& str(std::string_view v) {
    w_.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
    return *this;
  }
  // A value that is already JSON written by JsonOut (a stored document part): copied as it is.
  JsonOut& raw(std::string_view json) {
    w_.RawValue(json.data(), json.size(), rapidjson::kObjectType);
    return *this;
  }
  JsonOut& kv(std::string_view key, std::string_view v) { return k(key).str(v); }
  JsonOut& kv(std::string_view key, const char* v) { return k(key).str(v); }
  JsonOut& kv(std::string_view key, const std::string& v) { return k(key).str(v); }
  JsonOut& kv(std::string_view key, bool v) {
    k(key);
    w_.Bool(v);
    return *this;
  }
  JsonOut& kv(std::string_view key, int64_t v) {
    k(key);
    w_.Int64(v);
    return *this;
  }
  JsonOut& kv(std::string_view key, int v) {
    k(key);
    w_.Int(v);
    return *this;
  }
  JsonOut& kv(std::string_view key, double v) {
    k(key);
    w_.Double(v);
    return *this;
  }
  JsonOut& null(std::string_view key) {
    k(key);
    w_.Null();
    return *this;
  }
  // "key": {"href": href}
  JsonOut& link(std::string_view key, std::string_view href) { return begin(key).kv("href", href).end(); }

  std::string take() { return std::string(sb_.GetString(), sb_.GetSize()); }

 private:
  rapidjson::StringBuffer sb_;
  rapidjson::Writer<rapidjson::StringBuffer> w_;
};

}  // namespace tocsin
