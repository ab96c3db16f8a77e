#include "messaging/render.h"

#include <mstch/mstch.hpp>

#include "core/html_escape.h"
#include "core/text.h"
#include "messaging/link_tracking.h"

namespace tocsin::messaging {
namespace {

mstch::map context_of(const MergeValues& v) {
  mstch::map ctx;
  mstch::map custom;
  for (const auto& [k, val] : v.fields) {
    if (k.rfind("custom.", 0) == 0)
      custom[k.substr(7)] = val;
    else
      ctx[k] = val;
  }
  ctx["custom"] = custom;
  return ctx;
}

// mstch HTML-escapes {{x}}; subjects and texts are not HTML, so they are rendered with every {{x}} turned
// into {{{x}}} (values as written).
std::string render_plain(const std::string& tmpl, const mstch::map& ctx) {
  std::string t;
  t.reserve(tmpl.size() + 16);
  // Sections ({{#, {{^, {{/), comments and already-unescaped forms are left alone.
  for (size_t i = 0; i < tmpl.size();) {
    if (tmpl.compare(i, 2, "{{") == 0 && i + 2 < tmpl.size() &&
        std::string_view("#^/!&{>=").find(tmpl[i + 2]) == std::string_view::npos) {
      auto end = tmpl.find("}}", i + 2);
      if (end != std::string::npos) {
        t += "{{{";
        t.append(tmpl, i + 2, end - i - 2);
        t += "}}}";
        i = end + 2;
        continue;
      }
    }
    t += tmpl[i++];
  }
  return mstch::render(t, ctx);
}

}  // namespace

MergeValues merge_values(const Person& p) {
  MergeValues v;
  v.fields["given_name"] = p.given_name;
  v.fields["family_name"] = p.family_name;
  if (p.email) v.fields["email"] = *p.email;
  if (!p.postal_addresses.empty()) {
    const auto& a = p.postal_addresses.front();
    v.fields["postal_code"] = a.postal_code;
    v.fields["locality"] = a.locality;
    v.fields["region"] = a.region;
  }
  for (const auto& [k, val] : p.custom_fields) v.fields["custom." + k] = val;
  return v;
}

Status check_template(std::string_view text, bool html) {
  if (html && (text.find("{{{") != std::string_view::npos || text.find("{{&") != std::string_view::npos))
    return unprocessable(
        "merge fields in an email body are always HTML-escaped: use {{field}}, not {{{field}}}");
  // Balanced sections: mstch renders unbalanced ones silently wrong, so check here.
  std::vector<std::string> open;
  for (size_t i = text.find("{{"); i != std::string_view::npos; i = text.find("{{", i + 2)) {
    auto end = text.find("}}", i + 2);
    if (end == std::string_view::npos)
      return unprocessable("a merge field is not closed: " + std::string(text.substr(i, 20)));
    std::string_view tag = text.substr(i + 2, end - i - 2);
    if (tag.empty()) continue;
    if (tag[0] == '#' || tag[0] == '^') open.emplace_back(trim_ascii_space(tag.substr(1)));
    if (tag[0] == '/') {
      if (open.empty() || open.back() != trim_ascii_space(tag.substr(1)))
        return unprocessable("merge section {{/" + std::string(trim_ascii_space(tag.substr(1))) +
                             "}} closes nothing open");
      open.pop_back();
    }
  }
  if (!open.empty()) return unprocessable("merge section {{#" + open.back() + "}} is not closed");
  return Ok{};
}

EmailParts render_email(const std::string& subject, const std::string& body_html, const EmailFrame& frame,
                        const MergeValues& values) {
  mstch::map ctx = context_of(values);
  EmailParts out;
  out.subject = render_plain(subject, ctx);
  std::string body = mstch::render(body_html, ctx);
  std::string footer =
      "<p style=\"font-size:12px;color:#666\">" + escape_html(frame.postal_address) + "<br><a href=\"" +
      escape_html(frame.unsubscribe_url) + "\">Unsubscribe</a> from these emails." +
      (frame.preferences_url.empty()
           ? std::string()
           : " <a href=\"" + escape_html(frame.preferences_url) + "\">Manage your preferences</a>.") +
      "</p>";
  std::string content = frame.wrapper_header + body + frame.wrapper_footer;
  if (frame.track_link) content = rewrite_links(content, frame.track_link);
  out.html = content + footer;
  if (!frame.open_pixel_url.empty())
    out.html += "<img src=\"" + escape_html(frame.open_pixel_url) + "\" width=\"1\" height=\"1\" alt=\"\">";
  out.text =
      html_to_text(content) + "\n\n--\n" + frame.postal_address + "\nUnsubscribe: " + frame.unsubscribe_url +
      "\n" +
      (frame.preferences_url.empty() ? std::string() : "Your preferences: " + frame.preferences_url + "\n");
  return out;
}

std::string render_sms(const std::string& body, const std::string& brand, bool first_text,
                       const MergeValues& values) {
  std::string text = render_plain(body, context_of(values));
  if (!brand.empty() && !contains_ascii_nocase(text, brand)) text = brand + ": " + text;
  if (first_text && !contains_ascii_nocase(text, "STOP")) text += " Reply STOP to opt out.";
  return text;
}

std::string decode_html_attribute(std::string_view v) {
  static const std::pair<std::string_view, char> kRefs[] = {{"&amp;", '&'}, {"&#38;", '&'},  {"&quot;", '"'},
                                                            {"&#34;", '"'}, {"&#39;", '\''}, {"&lt;", '<'},
                                                            {"&gt;", '>'}};
  std::string out;
  for (size_t i = 0; i < v.size();) {
    bool replaced = false;
    if (v[i] == '&')
      for (const auto& [ref, c] : kRefs)
        if (v.compare(i, ref.size(), ref) == 0) {
          out += c;
          i += ref.size();
          replaced = true;
          break;
        }
    if (!replaced) out += v[i++];
  }
  return out;
}

// Hand-written: no Debian-packaged library formats HTML as readable plain text (libxml2 would only parse
// it); the bodies are simple campaign HTML, and a mail client shows the HTML part anyway.
std::string html_to_text(std::string_view html) {
  std::string out;
  std::string href;
  for (size_t i = 0; i < html.size();) {
    char c = html[i];
    if (c == '<') {
      auto end = html.find('>', i);
      if (end == std::string_view::npos) break;
      std::string tag = lower_ascii(html.substr(i + 1, end - i - 1));
      std::string name = tag.substr(0, tag.find_first_of(" \t\n/"));
      if (tag.rfind("/a", 0) == 0 && !href.empty()) {
        out += " (" + href + ")";
        href.clear();
      } else if (name == "a") {
        auto h = tag.find("href=\"");
        if (h != std::string::npos) {
          // Take the URL from the original text: lower-casing would change it.
          auto start = i + 1 + h + 6;
          auto stop = html.find('"', start);
          if (stop != std::string_view::npos) href = decode_html_attribute(html.substr(start, stop - start));
        }
      } else if (name == "br" || tag == "/p" || tag == "/div" || tag == "/h1" || tag == "/h2" ||
                 tag == "/h3" || tag == "/li" || tag == "/tr") {
        out += "\n";
        if (tag == "/p") out += "\n";
      } else if (name == "li") {
        out += "- ";
      }
      i = end + 1;
      continue;
    }
    if (c == '&') {
      static const std::pair<std::string_view, std::string_view> kEntities[] = {
          {"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}, {"&nbsp;", " "}};
      bool done = false;
      for (const auto& [e, r] : kEntities) {
        if (html.compare(i, e.size(), e) == 0) {
          out += r;
          i += e.size();
          done = true;
          break;
        }
      }
      if (done) continue;
    }
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    if (c == ' ' && !out.empty() && (out.back() == ' ' || out.back() == '\n')) {
      ++i;
      continue;
    }
    out += c;
    ++i;
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

}  // namespace tocsin::messaging
