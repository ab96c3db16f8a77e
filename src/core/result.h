// Result<T>: a value or an Error, the way failures travel between modules (no exceptions across them).
// An Error carries the HTTP status the API layer should answer with and a sentence fit for a client:
// it never contains secrets, because it may be returned verbatim as {"error": "..."}.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace tocsin {

struct Error {
  int http_status = 400;
  std::string message;
};

inline Error bad_request(std::string m) {
  return Error{400, std::move(m)};
}
inline Error not_found(std::string m) {
  return Error{404, std::move(m)};
}
inline Error unprocessable(std::string m) {
  return Error{422, std::move(m)};
}
inline Error internal_error(std::string m) {
  return Error{500, std::move(m)};
}

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}
  Result(Error error) : v_(std::move(error)) {}

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() { return value(); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

// For operations that return nothing but can fail.
struct Ok {};
using Status = Result<Ok>;

}  // namespace tocsin
