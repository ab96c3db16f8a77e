// The API entry point (answers without a key, private links omitted) and /metadata.
#include "actions/action_type.h"
#include "api/handlers.h"
#include "api/person_json.h"

namespace tocsin::api::handlers {

void entry_point(Call& c) {
  if (c.req.method != "GET") return c.error(405, "method " + c.req.method + " is not allowed here");
  const std::string& b = c.ctx.api_base;
  JsonOut j;
  j.begin();
  j.kv("motd", "Welcome to the tocsin OSDI API v2 Entry Point!").kv("max_page_size", 25);
  j.kv("vendor_name", "tocsin").kv("product_name", "tocsin").kv("namespace", "action_network");
  j.kv("osdi_version", "1.1.1");
  j.begin("_links");
  write_curies(j, b);
  j.begin("self").kv("title", "This API entry point").kv("href", b + "/").end();
  j.begin("docs")
      .kv("title", "Documentation")
      .kv("href", b.substr(0, b.rfind("/api/v2")) + "/docs/v2/")
      .end();
  j.begin("osdi:person_signup_helper").kv("title", "Person Signup Helper").kv("href", b + "/people").end();
  if (c.authenticated) {
    struct {
      const char* rel;
      const char* title;
      const char* path;
    } links[] = {
        {"osdi:people", "The collection of people in the system", "people"},
        {"osdi:tags", "The collection of tags in the system", "tags"},
        {"osdi:lists", "The collection of lists in the system", "lists"},
        {"osdi:donations", "The collection of donations in the system", "donations"},
    };
    for (const auto& l : links) j.begin(l.rel).kv("title", l.title).kv("href", b + "/" + l.path).end();
    for (const auto& t : actions::action_types())
      j.begin(actions::entry_rel(t))
          .kv("title", "The collection of " + std::string(t.collection) + " in the system")
          .kv("href", b + "/" + std::string(t.collection))
          .end();
  }
  j.end().end();
  c.reply(200, j.take());
}

void metadata(Call& c) {
  if (c.req.method != "GET") return c.error(405, "metadata is read-only");
  const std::string& b = c.ctx.api_base;
  JsonOut j;
  if (c.seg.size() == 1) {
    j.begin().kv("name", c.org->org.name);
    j.begin("_links")
        .link("self", b + "/metadata")
        .link("action_network:custom_fields", b + "/metadata/custom_fields");
    write_curies(j, b);
    j.end().end();
  } else if (c.seg.size() == 2 && c.seg[1] == "custom_fields") {
    std::shared_lock lock(c.org->mu);
    j.begin().kv("origin_system", "tocsin").kv("name", "Custom Fields");
    j.kv("description", "The custom fields used by this organization's people");
    j.begin_array("action_network:custom_fields");
    for (const auto& f : c.org->custom_fields)
      j.begin()
          .kv("name", f.name)
          .kv("created_date", format_iso8601(f.created))
          .kv("modified_date", format_iso8601(f.modified))
          .kv("notes", "")
          .kv("numeric_id", f.numeric_id)
          .end();
    j.end_array();
    j.begin("_links").link("self", b + "/metadata/custom_fields");
    write_curies(j, b);
    j.end().end();
  } else {
    return c.error(404, "not found");
  }
  c.reply(200, j.take());
}

}  // namespace tocsin::api::handlers
