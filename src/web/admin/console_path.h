// The console's URLs name one thing each: /admin/{things}/{id}[/{verb}].
#pragma once

#include <string>
#include <string_view>

namespace tocsin::web::admin {

// The id in `prefix`{id}`suffix` (e.g. "/admin/people/", "/verify"), or "" when `path` is not of that shape.
// An id never holds a slash.
inline std::string id_in(const std::string& path, std::string_view prefix, std::string_view suffix) {
  if (path.size() <= prefix.size() + suffix.size() || path.rfind(prefix, 0) != 0) return {};
  if (path.compare(path.size() - suffix.size(), suffix.size(), suffix) != 0) return {};
  std::string id = path.substr(prefix.size(), path.size() - prefix.size() - suffix.size());
  return id.find('/') == std::string::npos ? id : std::string();
}

}  // namespace tocsin::web::admin
