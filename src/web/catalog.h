// The strings of the hosted pages, one catalog per language (English and Spanish complete). The language is
// the action's (tocsin:language), else ?lang=, else the first supported one in Accept-Language, else "en".
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace tocsin::web {

using Strings = std::map<std::string, std::string, std::less<>>;

// The strings of `lang` ("en" or "es"); every key of "en" exists in "es" (unit-tested).
const Strings& strings(std::string_view lang);
bool supported_language(std::string_view lang);

std::string choose_language(std::string_view action_language, const std::optional<std::string>& lang_param,
                            const std::string* accept_language);

}  // namespace tocsin::web
