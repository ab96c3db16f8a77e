#include "core/person_codec.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <simdjson.h>

namespace tocsin {

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void str(Writer& w, const char* key, const std::string& v) {
  if (v.empty()) return;
  w.Key(key);
  w.String(v.data(), v.size());
}

}  // namespace

std::string encode_person(const Person& p) {
  rapidjson::StringBuffer sb;
  Writer w(sb);
  w.StartObject();
  str(w, "id", p.id);
  str(w, "g", p.given_name);
  str(w, "f", p.family_name);
  if (p.email) str(w, "e", *p.email);
  if (p.phone) str(w, "p", *p.phone);
  if (p.birthdate) str(w, "b", *p.birthdate);
  if (!p.postal_addresses.empty()) {
    w.Key("a");
    w.StartArray();
    for (const auto& a : p.postal_addresses) {
      w.StartObject();
      if (a.primary) {
        w.Key("primary");
        w.Bool(true);
      }
      if (!a.address_lines.empty()) {
        w.Key("lines");
        w.StartArray();
        for (const auto& l : a.address_lines) w.String(l.data(), l.size());
        w.EndArray();
      }
      str(w, "locality", a.locality);
      str(w, "region", a.region);
      str(w, "postal_code", a.postal_code);
      str(w, "country", a.country);
      str(w, "language", a.language);
      if (a.location) {
        w.Key("loc");
        w.StartObject();
        if (a.location->latitude) {
          w.Key("lat");
          w.Double(*a.location->latitude);
        }
        if (a.location->longitude) {
          w.Key("lon");
          w.Double(*a.location->longitude);
        }
        str(w, "acc", a.location->accuracy);
        w.EndObject();
      }
      w.EndObject();
    }
    w.EndArray();
  }
  if (!p.languages_spoken.empty()) {
    w.Key("l");
    w.StartArray();
    for (const auto& l : p.languages_spoken) w.String(l.data(), l.size());
    w.EndArray();
  }
  if (!p.custom_fields.empty()) {
    w.Key("c");
    w.StartObject();
    for (const auto& [k, v] : p.custom_fields) {
      w.Key(k.data(), k.size());
      w.String(v.data(), v.size());
    }
    w.EndObject();
  }
  if (!p.identifiers.empty()) {
    w.Key("i");
    w.StartArray();
    for (const auto& i : p.identifiers) w.String(i.data(), i.size());
    w.EndArray();
  }
  w.Key("cr");
  w.Int64(p.created);
  w.Key("mo");
  w.Int64(p.modified);
  if (p.tracking_objection) {
    w.Key("nt");
    w.Int64(p.tracking_objection);
  }
  w.EndObject();
  return std::string(sb.GetString(), sb.GetSize());
}

Result<Person> decode_person(std::string_view doc) {
  // A thread-local parser: decoding runs on loader threads and reuses its buffers.
  thread_local simdjson::dom::parser parser;
  simdjson::padded_string padded(doc);
  simdjson::dom::element root;
  if (auto err = parser.parse(padded).get(root))
    return internal_error(std::string("corrupt person document: ") + simdjson::error_message(err));
  if (!root.is_object()) return internal_error("corrupt person document: not an object");
  Person p;
  auto get_str = [](simdjson::dom::element e, const char* key, std::string& out) {
    std::string_view v;
    if (!e[key].get_string().get(v)) out.assign(v);
  };
  get_str(root, "id", p.id);
  get_str(root, "g", p.given_name);
  get_str(root, "f", p.family_name);
  std::string tmp;
  if (get_str(root, "e", tmp), !tmp.empty()) p.email = tmp;
  tmp.clear();
  if (get_str(root, "p", tmp), !tmp.empty()) p.phone = tmp;
  tmp.clear();
  if (get_str(root, "b", tmp), !tmp.empty()) p.birthdate = tmp;
  simdjson::dom::array arr;
  if (!root["a"].get_array().get(arr)) {
    for (simdjson::dom::element ae : arr) {
      PostalAddress a;
      bool primary = false;
      if (!ae["primary"].get_bool().get(primary)) a.primary = primary;
      simdjson::dom::array lines;
      if (!ae["lines"].get_array().get(lines))
        for (simdjson::dom::element l : lines) {
          std::string_view v;
          if (!l.get_string().get(v)) a.address_lines.emplace_back(v);
        }
      get_str(ae, "locality", a.locality);
      get_str(ae, "region", a.region);
      get_str(ae, "postal_code", a.postal_code);
      get_str(ae, "country", a.country);
      get_str(ae, "language", a.language);
      simdjson::dom::element loc;
      if (!ae["loc"].get(loc)) {
        GeoLocation g;
        double d;
        if (!loc["lat"].get_double().get(d)) g.latitude = d;
        if (!loc["lon"].get_double().get(d)) g.longitude = d;
        get_str(loc, "acc", g.accuracy);
        a.location = g;
      }
      p.postal_addresses.push_back(std::move(a));
    }
  }
  if (!root["l"].get_array().get(arr))
    for (simdjson::dom::element l : arr) {
      std::string_view v;
      if (!l.get_string().get(v)) p.languages_spoken.emplace_back(v);
    }
  simdjson::dom::object obj;
  if (!root["c"].get_object().get(obj))
    for (auto field : obj) {
      std::string_view v;
      if (!field.value.get_string().get(v)) p.custom_fields.emplace(std::string(field.key), std::string(v));
    }
  if (!root["i"].get_array().get(arr))
    for (simdjson::dom::element l : arr) {
      std::string_view v;
      if (!l.get_string().get(v)) p.identifiers.emplace_back(v);
    }
  int64_t t;
  if (!root["cr"].get_int64().get(t)) p.created = t;
  if (!root["mo"].get_int64().get(t)) p.modified = t;
  if (!root["nt"].get_int64().get(t)) p.tracking_objection = t;
  return p;
}

}  // namespace tocsin
