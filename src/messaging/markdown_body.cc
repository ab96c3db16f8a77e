#include "messaging/markdown_body.h"

#include <cmark.h>

#include <cstdlib>
#include <memory>

namespace tocsin::messaging {

std::string markdown_to_html(std::string_view markdown) {
  // CMARK_OPT_DEFAULT is safe since cmark 0.29 (CMARK_OPT_UNSAFE would keep raw HTML); smart punctuation
  // gives the typographic quotes and dashes a mail reader expects.
  std::unique_ptr<char, decltype(&std::free)> html(
      cmark_markdown_to_html(markdown.data(), markdown.size(), CMARK_OPT_DEFAULT | CMARK_OPT_SMART),
      &std::free);
  return html ? std::string(html.get()) : std::string();
}

}  // namespace tocsin::messaging
