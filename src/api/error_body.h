// The API's error document: {"error": message}, as Action Network answers errors.
#pragma once

#include <string>
#include <string_view>

namespace tocsin::api {

std::string error_body(std::string_view message);

}  // namespace tocsin::api
