// An email body written in Markdown (the console's compose screen offers it beside HTML): CommonMark turned
// into the HTML the blast renders and sends, by cmark, the CommonMark reference implementation (Debian
// libcmark). Safe by default: raw HTML in the source and `javascript:`-style links are left out, so a body
// written in Markdown cannot carry a script. Merge fields ({{given_name}}) pass through as text.
#pragma once

#include <string>
#include <string_view>

namespace tocsin::messaging {

std::string markdown_to_html(std::string_view markdown);

}  // namespace tocsin::messaging
