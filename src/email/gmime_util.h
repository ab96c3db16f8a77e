// Small helpers shared by the GMime users in src/email (building and parsing messages).
//
// Contract: ensure_gmime() initializes GMime once per process and may be called from any thread; Ref<T>
// owns one GObject reference and drops it at scope end (GMime objects are reference counted, not owned).
#pragma once

#include <gmime/gmime.h>

#include <mutex>

namespace tocsin::email {

inline void ensure_gmime() {
  static std::once_flag once;
  std::call_once(once, [] { g_mime_init(); });
}

template <typename T>
struct Ref {
  T* p = nullptr;
  explicit Ref(T* v) : p(v) {}
  ~Ref() {
    if (p) g_object_unref(p);
  }
  Ref(const Ref&) = delete;
  Ref& operator=(const Ref&) = delete;
};

}  // namespace tocsin::email
