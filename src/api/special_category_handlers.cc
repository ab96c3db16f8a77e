// /tocsin:special_categories: the tags, lists and actions the organization marks as special-category data
// (people/special_category.h). GET answers the marks with names; PUT replaces them with
// {"tags": [ids], "lists": [ids], "actions": [ids]} (a member left out keeps its marks) — every id must
// name one of the organization's own tags, lists or actions (422 otherwise, nothing changed).
#include "api/handlers.h"
#include "people/special_category.h"

namespace tocsin::api::handlers {
namespace {

void write_marks(JsonOut& j, const people::OrgState& org) {
  const auto& m = org.special_category;
  j.begin_array("tags");
  for (const auto& id : m.tags) {
    auto it = org.tags.find(id);
    j.begin().kv("id", id).kv("name", it == org.tags.end() ? std::string() : it->second.name).end();
  }
  j.end_array().begin_array("lists");
  for (const auto& id : m.lists) {
    std::string name;
    for (const auto& l : org.lists)
      if (l.id == id) name = l.name;
    j.begin().kv("id", id).kv("name", name).end();
  }
  j.end_array().begin_array("actions");
  for (const auto& id : m.actions) {
    const actions::Action* a = org.actions.find_action(id);
    j.begin().kv("id", id).kv("kind", a ? a->kind : std::string());
    j.end();
  }
  j.end_array();
}

std::string answer(const people::OrgState& org) {
  JsonOut j;
  j.begin();
  write_marks(j, org);
  j.kv("gdpr_applies", org.org.gdpr_applies);
  return j.end().take();
}

// Reads one member of the body; absent: nullopt (unchanged).
Result<std::optional<std::set<std::string>>> read_ids(simdjson::dom::element body, const char* key) {
  simdjson::dom::element v;
  if (body[key].get(v)) return std::optional<std::set<std::string>>{};
  simdjson::dom::array arr;
  if (v.get_array().get(arr)) return bad_request(std::string(key) + " must be an array of ids");
  std::set<std::string> ids;
  for (simdjson::dom::element e : arr) {
    std::string_view s;
    if (e.get_string().get(s)) return bad_request(std::string(key) + " must be an array of ids");
    ids.emplace(s);
  }
  if (ids.size() > 10'000) return bad_request(std::string(key) + ": at most 10000 ids");
  return std::optional<std::set<std::string>>(std::move(ids));
}

void put(Call& c) {
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element body;
  if (!c.parse_body(parser, body)) return;
  auto tags = read_ids(body, "tags");
  if (!tags) return c.error(tags.error());
  auto lists = read_ids(body, "lists");
  if (!lists) return c.error(lists.error());
  auto acts = read_ids(body, "actions");
  if (!acts) return c.error(acts.error());
  commit_write(
      c,
      [tags = std::move(tags).value(), lists = std::move(lists).value(), acts = std::move(acts).value()](
          people::OrgState& org, store::WriteBatch::OrgWrites& w, Micros) -> Result<std::string> {
        people::SpecialCategoryMarks next = org.special_category;
        if (tags) {
          for (const auto& id : *tags)
            if (!org.tags.count(id)) return unprocessable("tags: no tag " + id + " in this organization");
          next.tags = *tags;
        }
        if (lists) {
          for (const auto& id : *lists) {
            bool found = false;
            for (const auto& l : org.lists) found = found || l.id == id;
            if (!found) return unprocessable("lists: no list " + id + " in this organization");
          }
          next.lists = *lists;
        }
        if (acts) {
          for (const auto& id : *acts)
            if (!org.actions.find_action(id))
              return unprocessable("actions: no action " + id + " in this organization");
          next.actions = *acts;
        }
        if (next != org.special_category) {
          org.special_category = std::move(next);
          w.add(store::op::PutDoc{people::encode_special_category(org.special_category)});
        }
        return answer(org);
      });
}

}  // namespace

void special_categories(Call& c) {
  if (c.seg.size() != 1) return c.error(404, "no such resource");
  if (c.req.method == "GET") {
    std::string body;
    {
      std::shared_lock lock(c.org->mu);
      body = answer(*c.org);
    }
    return c.reply(200, std::move(body));
  }
  if (c.req.method == "PUT") return put(c);
  c.error(405, "method not allowed");
}

}  // namespace tocsin::api::handlers
