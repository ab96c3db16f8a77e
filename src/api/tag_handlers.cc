// /tags and /tags/{id}/taggings: tags are unique per organization case-insensitively; taggings link a tag
// to a person (POST with _links.osdi:person, DELETE answers AN's notice).
#include "api/hal.h"
#include "api/handlers.h"
#include "api/person_json.h"
#include "core/ids.h"
#include "core/odata_filter.h"
#include "people/upsert.h"

namespace tocsin::api::handlers {
namespace {

using people::OrgState;

void write_tag(JsonOut& j, const Tag& t, const std::string& api_base) {
  std::string self = api_base + "/tags/" + t.id;
  j.begin();
  j.begin_array("identifiers").str("action_network:" + t.id).end_array();
  j.kv("created_date", format_iso8601(t.created)).kv("modified_date", format_iso8601(t.modified));
  j.kv("name", t.name);
  j.begin("_links").link("self", self).link("osdi:taggings", self + "/taggings");
  write_curies(j, api_base);
  j.end().end();
}

void list_tags(Call& c) {
  auto paging = parse_paging(c.target);
  std::optional<Filter> filter;
  if (auto raw = c.target.param("filter")) {
    auto f = parse_filter(*raw);
    if (!f) return c.error(f.error());
    filter = std::move(f).value();
  }
  std::shared_lock lock(c.org->mu);
  std::vector<const Tag*> all;
  for (const auto& id : c.org->tag_order) {
    const Tag& t = c.org->tags.at(id);
    bool ok = true;
    if (filter)
      for (const auto& cl : filter->clauses)
        ok &= cl.field == "name"         ? compare(t.name, cl.op, cl.value)
              : cl.field == "identifier" ? compare("action_network:" + t.id, cl.op, cl.value)
                                         : false;
    if (ok) all.push_back(&t);
  }
  std::vector<const Tag*> page = page_of(all, paging);
  CollectionSpec spec{"osdi:tags", c.ctx.api_base + "/tags",
                      paging,      page.size(),
                      all.size(),  paging.offset() + page.size() < all.size(),
                      ""};
  JsonOut j;
  write_collection(
      j, spec, c.ctx.api_base, [&](size_t i) { return c.ctx.api_base + "/tags/" + page[i]->id; },
      [&](size_t i) { write_tag(j, *page[i], c.ctx.api_base); });
  lock.unlock();
  c.reply(200, j.take());
}

void create_tag(Call& c) {
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element body;
  if (!c.parse_body(parser, body)) return;
  std::string_view name_view;
  if (body["name"].get_string().get(name_view)) return c.error(400, "name is required and must be a string");
  std::string name(name_view);
  auto b = name.find_first_not_of(" \t"), e = name.find_last_not_of(" \t");
  name = b == std::string::npos ? "" : name.substr(b, e - b + 1);
  if (name.empty() || name.size() > 255) return c.error(400, "name must have 1 to 255 characters");
  std::string base = c.ctx.api_base;
  commit_write(
      c, [name, base](OrgState& org, store::WriteBatch::OrgWrites& w, Micros now) -> Result<std::string> {
        const Tag* existing =
            org.find_tag_by_name(name);  // names are unique case-insensitively: return the existing tag
        if (!existing) {
          Tag t{new_uuid(), name, now, now};
          org.tag_order.push_back(t.id);
          org.tag_by_key[lower_ascii(name)] = t.id;
          w.add(store::op::PutTag{t});
          existing = &org.tags.emplace(t.id, t).first->second;
        }
        JsonOut j;
        write_tag(j, *existing, base);
        return j.take();
      });
}

const Tag* find_tag(Call& c, const std::string& id) {
  auto it = c.org->tags.find(id);
  if (it == c.org->tags.end()) {
    c.error(404, "Couldn't find tag with id = " + id);
    return nullptr;
  }
  return &it->second;
}

void list_taggings(Call& c, const std::string& tag_id) {
  auto paging = parse_paging(c.target);
  std::shared_lock lock(c.org->mu);
  if (!find_tag(c, tag_id)) return;
  std::vector<const Tagging*> all;
  for (const auto& id : c.org->tagging_order) {
    auto it = c.org->taggings.find(id);
    if (it != c.org->taggings.end() && it->second.tag_id == tag_id) all.push_back(&it->second);
  }
  std::vector<const Tagging*> page = page_of(all, paging);
  std::string href = c.ctx.api_base + "/tags/" + tag_id + "/taggings";
  CollectionSpec spec{
      "osdi:taggings", href, paging, page.size(), all.size(), paging.offset() + page.size() < all.size(), ""};
  JsonOut j;
  write_collection(
      j, spec, c.ctx.api_base, [&](size_t i) { return href + "/" + page[i]->id; },
      [&](size_t i) { write_tagging(j, *page[i], c.ctx.api_base); });
  lock.unlock();
  c.reply(200, j.take());
}

// "_links": {"osdi:person": {"href": "https://any.host/api/v2/people/<id>"}}: resolved by the last segment.
std::optional<std::string> linked_person_id(simdjson::dom::element body) {
  std::string_view href;
  if (body["_links"]["osdi:person"]["href"].get_string().get(href)) return std::nullopt;
  while (!href.empty() && href.back() == '/') href.remove_suffix(1);
  auto q = href.find_first_of("?#");
  if (q != std::string_view::npos) href = href.substr(0, q);
  auto slash = href.rfind('/');
  return std::string(slash == std::string_view::npos ? href : href.substr(slash + 1));
}

void create_tagging(Call& c, const std::string& tag_id) {
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element body;
  if (!c.parse_body(parser, body)) return;
  auto person_id = linked_person_id(body);
  if (!person_id) return c.error(400, "You must specify a valid person id");
  std::string base = c.ctx.api_base;
  commit_write(c,
               [tag_id, pid = *person_id, base](OrgState& org, store::WriteBatch::OrgWrites& w,
                                                Micros now) -> Result<std::string> {
                 if (!org.tags.count(tag_id)) return not_found("Couldn't find tag with id = " + tag_id);
                 if (!org.find_person(pid)) return bad_request("You must specify a valid person id");
                 const Tagging& t = people::tag_person(org, tag_id, pid, w, now);
                 JsonOut j;
                 write_tagging(j, t, base);
                 return j.take();
               });
}

void get_tagging(Call& c, const std::string& tag_id, const std::string& id) {
  std::shared_lock lock(c.org->mu);
  if (!find_tag(c, tag_id)) return;
  auto it = c.org->taggings.find(id);
  if (it == c.org->taggings.end() || it->second.tag_id != tag_id)
    return c.error(404, "Couldn't find tagging with id = " + id);
  JsonOut j;
  write_tagging(j, it->second, c.ctx.api_base);
  lock.unlock();
  c.reply(200, j.take());
}

void delete_tagging(Call& c, const std::string& tag_id, const std::string& id) {
  commit_write(c,
               [tag_id, id](OrgState& org, store::WriteBatch::OrgWrites& w, Micros) -> Result<std::string> {
                 auto it = org.taggings.find(id);
                 if (it == org.taggings.end() || it->second.tag_id != tag_id)
                   return not_found("Couldn't find tagging with id = " + id);
                 people::untag(org, id, w);
                 return std::string(R"({"notice":"This tagging was successfully deleted."})");
               });
}

}  // namespace

void tags(Call& c) {
  const auto& s = c.seg;
  const auto& m = c.req.method;
  if (s.size() == 1) {
    if (m == "GET") return list_tags(c);
    if (m == "POST") return create_tag(c);
  } else if (s.size() == 2) {
    if (m == "GET") {
      std::shared_lock lock(c.org->mu);
      const Tag* t = find_tag(c, s[1]);
      if (!t) return;
      JsonOut j;
      write_tag(j, *t, c.ctx.api_base);
      lock.unlock();
      return c.reply(200, j.take());
    }
  } else if (s.size() == 3 && s[2] == "taggings") {
    if (m == "GET") return list_taggings(c, s[1]);
    if (m == "POST") return create_tagging(c, s[1]);
  } else if (s.size() == 4 && s[2] == "taggings") {
    if (m == "GET") return get_tagging(c, s[1], s[3]);
    if (m == "DELETE") return delete_tagging(c, s[1], s[3]);
  } else {
    return c.error(404, "not found");
  }
  c.error(405, "method " + m + " is not allowed here");
}

}  // namespace tocsin::api::handlers
