// Where an action's hosted page lives: /o/{org-slug}/{kind}/{action-slug} (web/ serves it; the API's
// browser_url is it under the public URL). Kinds with records supporters make have pages.
#pragma once

#include <string>
#include <string_view>

#include "actions/action.h"

namespace tocsin::actions {

// petitions, forms, events, fundraising_pages, advocacy_campaigns.
bool has_page(std::string_view kind);

// The action's slug in URLs: its own, or its id for actions created before slugs existed.
const std::string& page_slug(const Action& a);

// "/o/{org-slug}/{kind}/{action-slug}"
std::string page_path(const std::string& org_slug, const Action& a);

}  // namespace tocsin::actions
