#include "actions/embed_code.h"

#include "core/html_escape.h"

namespace tocsin::actions {

std::string embed_script_path(const Action& a) {
  return "/embed/" + a.id + ".js";
}

std::string embed_frame_path(const Action& a) {
  return "/embed/" + a.id + "/frame";
}

std::string embed_script_tag(const std::string& site, const Action& a) {
  return "<script src=\"" + escape_html(site + embed_script_path(a)) + "\"></script>";
}

std::string embed_iframe_tag(const std::string& site, const Action& a) {
  // no-referrer-when-downgrade: the browser then names the full host page in the frame request's Referer
  // (the default policy sends only its origin cross-origin); that Referer is the evidence's host page.
  return "<iframe src=\"" + escape_html(site + embed_frame_path(a)) + "\" title=\"" +
         escape_html(string_field(a.fields, "title").value_or("")) +
         "\" width=\"100%\" height=\"760\" style=\"border:0;max-width:40rem\" "
         "referrerpolicy=\"no-referrer-when-downgrade\"></iframe>";
}

}  // namespace tocsin::actions
