#include "actions/page_path.h"

namespace tocsin::actions {

bool has_page(std::string_view kind) {
  return kind == "petitions" || kind == "forms" || kind == "events" || kind == "fundraising_pages" ||
         kind == "advocacy_campaigns";
}

const std::string& page_slug(const Action& a) {
  return a.slug.empty() ? a.id : a.slug;
}

std::string page_path(const std::string& org_slug, const Action& a) {
  return "/o/" + org_slug + "/" + a.kind + "/" + page_slug(a);
}

}  // namespace tocsin::actions
