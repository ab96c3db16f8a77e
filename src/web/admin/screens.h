// The console's HTML screens, rendered with mstch (every value HTML-escaped). No scripts: forms post, the
// server answers with a page or a redirect; the layout works at 375 px and from the keyboard.
#pragma once

#include <string>
#include <vector>

#include "staff/staff_service.h"
#include "web/admin/dashboard_facts.h"
#include "web/admin/layout.h"
#include "web/admin/people_search.h"
#include "web/admin/person_view.h"

namespace tocsin::web::admin {

// The login form. `csrf`: the pre-session token (also in a cookie); `error`: shown above the form.
std::string login_page(const std::string& csrf, const std::string& error, const std::string& email);

std::string dashboard_page(const Frame& f, const DashboardFacts& facts);
// The search form (posted, so what was searched for never appears in a URL or an access log) and, after a
// search, its results.
std::string people_page(const Frame& f, const std::string& query, const std::vector<PersonRow>* rows,
                        const std::string& error);
// One person (GET /admin/people/{id}): fields, tags and lists, actions taken, messages received, and the
// consent timeline of each contact point with the "Verify" form (posted with the CSRF token). `chain`: the
// result of a verification just run, shown beside the form; null on a plain GET.
std::string person_page(const Frame& f, const PersonView& v, const ChainCheck* chain);
std::string forbidden_page(const Frame& f, const std::string& what);
// 404 inside the console: `what` was not found in the session's organization (the same words whether or not
// it exists in another).
std::string not_found_page(const Frame& f, const std::string& what);

}  // namespace tocsin::web::admin
