// Escaping text for HTML: the one escaper every HTML producer uses (mail bodies, evidence summaries, link
// rewriting), so no two places disagree on which characters are safe.
#pragma once

#include <string>
#include <string_view>

namespace tocsin {

// `s` with & < > " ' replaced by character references. Safe as element text and as an attribute value in
// either quote style; a browser decodes it back to `s`.
std::string escape_html(std::string_view s);

}  // namespace tocsin
