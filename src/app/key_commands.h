// `tocsin keys`: encryption at rest of an installation's personal data (store/sealing/, docs/PRIVACY.md
// "Keys").
//   keys status --data DIR: the data keys, the current one, and how many stored values are not under it.
//   keys rotate --data DIR [--batch N]: adds a data key and seals every stored value under it in batches,
//     while the server serves (it picks the new key up within a second). On an installation without
//     encryption it first creates the key-encryption key (DIR.kek) and encrypts every stored value: every
//     server on the data must be stopped for that, and started again after.
//   keys rotate --data DIR --new-kek FILE: wraps the data keys under a new key-encryption key (FILE, created
//     if absent); then replace the old key file with FILE on every node and restart them.
#pragma once

#include <CLI/CLI.hpp>

namespace tocsin {

void add_key_commands(CLI::App& app);

}  // namespace tocsin
