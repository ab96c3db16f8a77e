// The API's names for the HTTP exchange (core/http_exchange.h).
#pragma once

#include "core/http_exchange.h"

namespace tocsin::api {

using http::Handler;
using http::Request;
using http::Respond;
using http::Response;

}  // namespace tocsin::api
