// The API's share of the configuration (api/api_settings.h), copied from tocsin.toml's Config.
#pragma once

#include "api/api_settings.h"
#include "app/config.h"

namespace tocsin {

api::ApiSettings api_settings_of(const Config& c);

}  // namespace tocsin
