// The API's names for the rate limits (core/rate_limit.h).
#pragma once

#include "core/rate_limit.h"

namespace tocsin::api {

using tocsin::HelperLimits;
using tocsin::RateLimiter;

}  // namespace tocsin::api
