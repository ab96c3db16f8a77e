#include "actions/action_codec.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <simdjson.h>

#include "core/doc_fields.h"

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

RawFields get_fields(element o) {
  RawFields out;
  simdjson::dom::object f;
  if (o["fields"].get_object().get(f)) return out;
  for (auto [k, v] : f) out.emplace_back(std::string(k), simdjson::minify(v));
  return out;
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
  str(w, "purpose", a.purpose);
  integer(w, "disclosure_version", a.disclosure_version);
  str(w, "slug", a.slug);
  strings(w, "page_fields", a.page_fields);
  str(w, "language", a.language);
  integer(w, "goal", a.goal);
  if (!a.challenge.empty()) str(w, "challenge", a.challenge);
  w.EndObject();
  return std::string(sb.GetString(), sb.GetSize());
}

Result<Action> decode_action(std::string_view doc) {
  thread_local simdjson::dom::parser parser;
  auto root = parse_doc(doc, parser, "action");
  if (!root) return root.error();
  element o = root.value();
  Action a;
  a.id = DocFields(o).str("id");
  a.kind = DocFields(o).str("kind");
  a.created = DocFields(o).integer("created");
  a.modified = DocFields(o).integer("modified");
  a.creator_id = DocFields(o).str("creator");
  a.parent_id = DocFields(o).str("parent");
  a.identifiers = DocFields(o).strings("identifiers");
  a.fields = get_fields(o);
  a.disclosure = DocFields(o).str("disclosure");
  a.sms_disclosure = DocFields(o).str("sms_disclosure");
  a.purpose = DocFields(o).str("purpose");
  a.disclosure_version = static_cast<int>(DocFields(o).integer("disclosure_version"));
  a.slug = DocFields(o).str("slug");
  a.page_fields = DocFields(o).strings("page_fields");
  a.language = DocFields(o).str("language");
  a.goal = DocFields(o).integer("goal");
  a.challenge = DocFields(o).str("challenge");
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
  auto root = parse_doc(doc, parser, "action record");
  if (!root) return root.error();
  element o = root.value();
  ActionRecord r;
  r.id = DocFields(o).str("id");
  r.action_id = DocFields(o).str("action");
  r.person_id = DocFields(o).str("person");
  r.created = DocFields(o).integer("created");
  r.modified = DocFields(o).integer("modified");
  r.identifiers = DocFields(o).strings("identifiers");
  r.fields = get_fields(o);
  r.referrer_data = DocFields(o).str("referrer");
  bool b = false;
  r.autoresponse_requested = !o["autoresponse"].get_bool().get(b) && b;
  return r;
}

}  // namespace tocsin::actions
