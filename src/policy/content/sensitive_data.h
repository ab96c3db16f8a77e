// Sensitive data a message must never carry or ask for (SMS acceptable-use policy; also applied to email):
// payment card numbers (13-19 digits that pass the Luhn check, so order numbers and phone numbers do not
// count), US social security numbers (AAA-GG-SSSS with a valid area, group and serial, or 9 digits after
// "SSN"), a bank routing number (ABA checksum) with an account number near it, and requests for passwords,
// PINs or one-time codes ("reply with your PIN", "envíanos tu contraseña"; "never share your code" is not
// one). Each appends a block finding to `out`.
#pragma once

#include <string_view>

#include "policy/content/folded_text.h"
#include "policy/content/verdict.h"

namespace tocsin::policy::content {

bool luhn_valid(std::string_view digits);
bool aba_routing_valid(std::string_view nine_digits);

void find_sensitive_data(std::string_view text, const FoldedText& folded, Part part, Screening& out);

}  // namespace tocsin::policy::content
