// /lists and /lists/{id}/items: read-only over the API (lists come from imports), items without totals (AN).
#include "api/hal.h"
#include "api/handlers.h"
#include "api/person_json.h"

namespace tocsin::api::handlers {
namespace {

void write_list(JsonOut& j, const PeopleList& l, const std::string& api_base) {
  std::string self = api_base + "/lists/" + l.id;
  j.begin();
  j.begin_array("identifiers").str("action_network:" + l.id).end_array();
  j.kv("created_date", format_iso8601(l.created)).kv("modified_date", format_iso8601(l.modified));
  j.kv("origin_system", "tocsin").kv("name", l.name).kv("title", l.name).kv("description", l.description);
  j.kv("browser_url", self);
  j.begin("_links").link("self", self).link("osdi:items", self + "/items");
  write_curies(j, api_base);
  j.end().end();
}

void write_item(JsonOut& j, const ListItem& i, const std::string& api_base) {
  std::string self = api_base + "/lists/" + i.list_id + "/items/" + i.id;
  j.begin();
  j.begin_array("identifiers").str("action_network:" + i.id).end_array();
  j.kv("created_date", format_iso8601(i.created)).kv("modified_date", format_iso8601(i.modified));
  j.kv("item_type", "osdi:person");
  j.kv("action_network:person_id", i.person_id).kv("action_network:list_id", i.list_id);
  j.begin("_links").link("self", self).link("osdi:list", api_base + "/lists/" + i.list_id);
  j.link("osdi:person", api_base + "/people/" + i.person_id);
  write_curies(j, api_base);
  j.end().end();
}

const PeopleList* find_list(const people::OrgState& org, const std::string& id) {
  for (const auto& l : org.lists)
    if (l.id == id) return &l;
  return nullptr;
}

}  // namespace

void lists(Call& c) {
  const auto& s = c.seg;
  if (c.req.method != "GET") return c.error(405, "lists are read-only over the API");
  auto paging = parse_paging(c.target);
  const std::string& base = c.ctx.api_base;
  std::shared_lock lock(c.org->mu);
  JsonOut j;
  if (s.size() == 1) {
    std::vector<const PeopleList*> all;
    for (const auto& l : c.org->lists) all.push_back(&l);
    auto page = page_of(all, paging);
    CollectionSpec spec{"osdi:lists",
                        base + "/lists",
                        paging,
                        page.size(),
                        all.size(),
                        paging.offset() + page.size() < all.size(),
                        ""};
    write_collection(
        j, spec, base, [&](size_t i) { return base + "/lists/" + page[i]->id; },
        [&](size_t i) { write_list(j, *page[i], base); });
  } else {
    const PeopleList* l = find_list(*c.org, s[1]);
    if (!l) return c.error(404, "Couldn't find list with id = " + s[1]);
    if (s.size() == 2) {
      write_list(j, *l, base);
    } else if (s[2] != "items" || s.size() > 4) {
      return c.error(404, "not found");
    } else if (s.size() == 4) {
      const ListItem* found = nullptr;
      for (const auto& i : c.org->list_items)
        if (i.id == s[3] && i.list_id == l->id) found = &i;
      if (!found) return c.error(404, "Couldn't find item with id = " + s[3]);
      write_item(j, *found, base);
    } else {
      std::vector<const ListItem*> all;
      for (const auto& i : c.org->list_items)
        if (i.list_id == l->id) all.push_back(&i);
      auto page = page_of(all, paging);
      std::string href = base + "/lists/" + l->id + "/items";
      CollectionSpec spec{"osdi:items", href, paging, page.size(), std::nullopt, !page.empty(), ""};
      write_collection(
          j, spec, base, [&](size_t i) { return href + "/" + page[i]->id; },
          [&](size_t i) { write_item(j, *page[i], base); });
    }
  }
  lock.unlock();
  c.reply(200, j.take());
}

}  // namespace tocsin::api::handlers
