// One CSV cell, as every export writes it (people, action records): RFC 4180 quoting, also for leading or
// trailing blanks, which CSV readers commonly trim from unquoted cells.
#pragma once

#include <string>
#include <string_view>

namespace tocsin::importer {

void append_csv_cell(std::string& out, std::string_view value);

}  // namespace tocsin::importer
