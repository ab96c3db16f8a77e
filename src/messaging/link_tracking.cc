#include "messaging/link_tracking.h"

#include <cctype>

#include "core/html_escape.h"
#include "core/text.h"
#include "email/tracking_links.h"

namespace tocsin::messaging {
namespace {

bool is_space(char c) {
  return std::isspace(static_cast<unsigned char>(c)) != 0;
}

// Within one tag [begin, end): the position and length of the href value (without quotes), or npos.
std::pair<size_t, size_t> find_href(std::string_view html, size_t begin, size_t end) {
  std::string tag = lower_ascii(html.substr(begin, end - begin));
  for (size_t at = tag.find("href"); at != std::string::npos; at = tag.find("href", at + 4)) {
    if (at == 0 || !is_space(tag[at - 1])) continue;  // part of another attribute's name or value
    size_t i = at + 4;
    while (i < tag.size() && is_space(tag[i])) ++i;
    if (i >= tag.size() || tag[i] != '=') continue;
    ++i;
    while (i < tag.size() && is_space(tag[i])) ++i;
    if (i >= tag.size()) break;
    char q = tag[i];
    if (q == '"' || q == '\'') {
      size_t close = tag.find(q, i + 1);
      if (close == std::string::npos) break;
      return {begin + i + 1, close - i - 1};
    }
    size_t stop = i;
    while (stop < tag.size() && !is_space(tag[stop]) && tag[stop] != '>') ++stop;
    return {begin + i, stop - i};
  }
  return {std::string_view::npos, 0};
}

}  // namespace

std::string rewrite_links(std::string_view html, const LinkWrapper& wrap) {
  std::string out;
  out.reserve(html.size() + html.size() / 4);
  size_t copied = 0;
  for (size_t lt = html.find('<'); lt != std::string_view::npos; lt = html.find('<', lt + 1)) {
    if (lt + 2 >= html.size() || (html[lt + 1] != 'a' && html[lt + 1] != 'A') || !is_space(html[lt + 2]))
      continue;
    size_t gt = html.find('>', lt);
    if (gt == std::string_view::npos) break;
    auto [at, len] = find_href(html, lt, gt);
    if (at == std::string_view::npos) continue;
    auto tracked = wrap(decode_html_attribute(html.substr(at, len)));
    if (!tracked) continue;
    bool quoted = html[at - 1] == '"' || html[at - 1] == '\'';
    out.append(html, copied, at - copied);
    out += quoted ? escape_html(*tracked) : "\"" + escape_html(*tracked) + "\"";
    copied = at + len;
    lt = gt;
  }
  out.append(html, copied);
  return out;
}

void add_tracking(EmailFrame& frame, const email::DeliveryTokens& tokens, const std::string& public_url,
                  const email::DeliveryRef& ref) {
  std::string unsubscribe_prefix = public_url + "/unsubscribe/";
  frame.track_link = [&tokens, public_url, ref, unsubscribe_prefix](const std::string& url) {
    std::optional<std::string> out;
    if (url.rfind(unsubscribe_prefix, 0) == 0 || !email::is_trackable_link(url)) return out;
    if (auto u = email::click_url(tokens, public_url, ref, url)) out = std::move(u).value();
    return out;
  };
  if (auto pixel = email::open_pixel_url(tokens, public_url, ref)) frame.open_pixel_url = pixel.value();
}

}  // namespace tocsin::messaging
