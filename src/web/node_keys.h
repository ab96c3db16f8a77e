// The keys of the hosted pages' own HMACs — CSRF tokens (web/csrf.h), embedded forms' tokens
// (web/embed_token.h) and proof-of-work challenges (web/challenge.h) — derived from the installation's
// contact key (the secret every node of one installation must already share, or their contact hashes would
// differ) with libsodium's KDF, one subkey per purpose. So the `tocsin serve` processes of one installation
// accept each other's forms, embed tokens and challenge answers, and a restart no longer refuses the forms
// served before it. Knowing a derived key reveals neither the contact key nor the other subkeys.
#pragma once

#include <array>

namespace tocsin::web {

using Key32 = std::array<unsigned char, 32>;

struct WebKeys {
  Key32 csrf{}, embed{}, challenge{};
};

WebKeys derive_web_keys(const Key32& installation_secret);

}  // namespace tocsin::web
