#include "privacy/zip_writer.h"

#include <zip.h>

#include <memory>

namespace tocsin::privacy {

Result<std::string> ZipWriter::finish() {
  zip_error_t err;
  zip_error_init(&err);
  zip_source_t* src = zip_source_buffer_create(nullptr, 0, 0, &err);
  if (!src) return internal_error("zip: cannot create a buffer");
  zip_t* za = zip_open_from_source(src, ZIP_TRUNCATE, &err);
  if (!za) {
    zip_source_free(src);
    return internal_error("zip: cannot open the buffer");
  }
  zip_source_keep(src);  // read it after zip_close
  for (const auto& [name, data] : files_) {
    zip_source_t* s = zip_source_buffer(za, data.data(), data.size(), 0);
    if (!s || zip_file_add(za, name.c_str(), s, ZIP_FL_ENC_UTF_8) < 0) {
      if (s) zip_source_free(s);
      zip_discard(za);
      zip_source_free(src);
      return internal_error("zip: cannot add " + name);
    }
  }
  if (zip_close(za) < 0) {
    zip_discard(za);
    zip_source_free(src);
    return internal_error("zip: cannot write the archive");
  }
  std::string out;
  zip_stat_t st;
  if (zip_source_stat(src, &st) == 0 && zip_source_open(src) == 0) {
    out.resize(st.size);
    zip_int64_t n = zip_source_read(src, out.data(), st.size);
    zip_source_close(src);
    if (n < 0 || static_cast<zip_uint64_t>(n) != st.size) out.clear();
  }
  zip_source_free(src);
  if (out.empty()) return internal_error("zip: cannot read the archive back");
  return out;
}

}  // namespace tocsin::privacy
