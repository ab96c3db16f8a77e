// A multipart/form-data body (RFC 7578) read into its fields: the console's CSV upload. Parsed by GMime (the
// MIME library the mail side already uses), not by hand: boundaries, quoting of parameters and folded headers
// are its business. The body is bounded before it gets here (api::ServerOptions::body_limit_for).
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "core/result.h"

namespace tocsin::web::admin {

struct FormPart {
  std::string filename;  // the file's name as the browser sent it (no path), or "" for a plain field
  std::string value;     // the part's bytes
};

// The parts by field name (the first of each name), or 400 when `content_type` is not multipart/form-data
// with a boundary or the body cannot be read as one.
Result<std::map<std::string, FormPart>> parse_form_data(std::string_view content_type, std::string_view body);

}  // namespace tocsin::web::admin
