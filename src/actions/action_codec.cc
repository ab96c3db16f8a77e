#include "actions/action_codec.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <simdjson.h>

namespace tocsin::actions {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;
using simdjson::dom::element;

void str(Writer& w, const char* key, const std::string& v) {
  if (v.empty()) return;
  w.Key(key);
  w.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
}

void integer(Writer& w, const char* key, int64_t v) {
  w.Key(key);
  w.Int64(v);
}

void strings(Writer& w, const char* key, const std::vector<std::string>& v) {
  if (v.empty()) return;
  w.Key(key);
  w.StartArray();
  for (const auto& s : v) w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  w.EndArray();
}

// Raw JSON values go in as they are: they were minified by simdjson when they arrived.
void raw_fields(Writer& w, const RawFields& fields) {
  w.Key("fields");
  w.StartObject();
  for (const auto& [k, v] : fields) {
    w.Key(k.data(), static_cast<rapidjson::SizeType>(k.size()));
    w.RawValue(v.data(), v.size(), rapidjson::kObjectType);
  }
  w.EndObject();
}

std::string get_str(element o, const char* key) {
  std::string_view s;
  if (o[key].get_string().get(s)) return {};
  return std::string(s);
}

int64_t get_int(element o, const char* key) {
  int64_t v = 0;
  if (o[key].get_int64().get(v)) return 0;
  return v;
}

std::vector<std::string> get_strings(element o, const char* key) {
  std::vector<std::string> out;
  simdjson::dom::array a;
  if (o[key].get_array().get(a)) return out;
  for (auto e : a) {
    std::string_view s;
    if (!e.get_string().get(s)) out.emplace_back(s);
  }
  return out;
}

RawFields get_fields(element o) {
  RawFields out;
  simdjson::dom::object f;
  if (o["fields"].get_object().get(f)) return out;
  for (auto [k, v] : f) out.emplace_back(std::string(k), simdjson::minify(v));
  return out;
}

// One parser per thread: decoding runs at load time and on the committer, never concurrently per thread.
Result<element> parse(std::string_view doc, simdjson::dom::parser& parser, const char* what) {
  element root;
  if (parser.parse(doc.data(), doc.size()).get(root) || !root.is_object())
    return internal_error(std::string("stored ") + what + " document is not a JSON object");
  return root;
}

}  // namespace

std::string encode_action(const Action& a) {
  rapidjson::StringBuffer sb;
  Writer w(sb);
  w.StartObject();
  str(w, "id", a.id);
  str(w, "kind", a.kind);
  integer(w, "created", a.created);
  integer(w, "modified", a.modified);
  str(w, "creator", a.creator_id);
  str(w, "parent", a.parent_id);
  strings(w, "identifiers", a.identifiers);
  raw_fields(w, a.fields);
  str(w, "disclosure", a.disclosure);
  str(w, "sms_disclosure", a.sms_disclosure);
  integer(w, "disclosure_version", a.disclosure_version);
  w.EndObject();
  return std::string(sb.GetString(), sb.GetSize());
}

Result<Action> decode_action(std::string_view doc) {
  thread_local simdjson::dom::parser parser;
  auto root = parse(doc, parser, "action");
  if (!root) return root.error();
  element o = root.value();
  Action a;
  a.id = get_str(o, "id");
  a.kind = get_str(o, "kind");
  a.created = get_int(o, "created");
  a.modified = get_int(o, "modified");
  a.creator_id = get_str(o, "creator");
  a.parent_id = get_str(o, "parent");
  a.identifiers = get_strings(o, "identifiers");
  a.fields = get_fields(o);
  a.disclosure = get_str(o, "disclosure");
  a.sms_disclosure = get_str(o, "sms_disclosure");
  a.disclosure_version = static_cast<int>(get_int(o, "disclosure_version"));
  return a;
}

std::string encode_record(const ActionRecord& r) {
  rapidjson::StringBuffer sb;
  Writer w(sb);
  w.StartObject();
  str(w, "id", r.id);
  str(w, "action", r.action_id);
  str(w, "person", r.person_id);
  integer(w, "created", r.created);
  integer(w, "modified", r.modified);
  strings(w, "identifiers", r.identifiers);
  raw_fields(w, r.fields);
  str(w, "referrer", r.referrer_data);
  if (r.autoresponse_requested) {
    w.Key("autoresponse");
    w.Bool(true);
  }
  w.EndObject();
  return std::string(sb.GetString(), sb.GetSize());
}

Result<ActionRecord> decode_record(std::string_view doc) {
  thread_local simdjson::dom::parser parser;
  auto root = parse(doc, parser, "action record");
  if (!root) return root.error();
  element o = root.value();
  ActionRecord r;
  r.id = get_str(o, "id");
  r.action_id = get_str(o, "action");
  r.person_id = get_str(o, "person");
  r.created = get_int(o, "created");
  r.modified = get_int(o, "modified");
  r.identifiers = get_strings(o, "identifiers");
  r.fields = get_fields(o);
  r.referrer_data = get_str(o, "referrer");
  bool b = false;
  r.autoresponse_requested = !o["autoresponse"].get_bool().get(b) && b;
  return r;
}

}  // namespace tocsin::actions
