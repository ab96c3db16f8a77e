// The layout every console screen shares: the document head (inline CSS; no script runs) and, behind the
// login, a header naming the organization and user, the navigation and the logout form.
#pragma once

#include <mstch/mstch.hpp>

#include <string>

namespace tocsin::web::admin {

// Pages behind the login share a header naming the organization and user, with a logout form.
struct Frame {
  std::string org_name, email, role, csrf;
  bool can_team = false;
  bool can_edit = false;      // people and actions (staff::Permission::kSend)
  bool can_export = false;    // CSV of people (staff::Permission::kExport)
  bool can_settings = false;  // staff::Permission::kSettings
  bool can_keys = false;      // staff::Permission::kKeys
};
// The page `body` (an mstch template) rendered with `ctx` (every value HTML-escaped) inside the layout, with
// the header when `f` is given (the login page has none).
std::string render_screen(const std::string& title, const Frame* f, const char* body, mstch::map ctx);

}  // namespace tocsin::web::admin
