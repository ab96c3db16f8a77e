// URL slugs for hosted pages (/o/{org-slug}/{kind}/{action-slug}): lower-case ASCII letters and digits
// separated by single hyphens, made from a name or title, unique within their scope by a numeric suffix.
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace tocsin {

// "Save the Bay — Now!" → "save-the-bay-now". Letters outside ASCII are dropped (accented Latin letters
// lose their accent: "Campaña" → "campana"); at most 60 characters; `fallback` when nothing is left.
std::string slugify(std::string_view text, std::string_view fallback = "page");

// `base`, or base-2, base-3, ... : the first that `taken` does not claim.
std::string unique_slug(const std::string& base, const std::function<bool(const std::string&)>& taken);

// Whether `s` is a well-formed slug (what an editor may set).
bool valid_slug(std::string_view s);

}  // namespace tocsin
