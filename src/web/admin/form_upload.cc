#include "web/admin/form_upload.h"

#include "email/gmime_util.h"

namespace tocsin::web::admin {

Result<std::map<std::string, FormPart>> parse_form_data(std::string_view content_type,
                                                        std::string_view body) {
  if (content_type.find("multipart/form-data") == std::string_view::npos ||
      content_type.find("boundary=") == std::string_view::npos ||
      content_type.find('\n') != std::string_view::npos)
    return bad_request("the form must be sent as multipart/form-data");
  email::ensure_gmime();
  // GMime reads a MIME entity: the request's Content-Type as its header, then the body unchanged.
  std::string entity = "Content-Type: " + std::string(content_type) + "\r\n\r\n";
  entity.append(body);
  email::Ref<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(entity.data(), entity.size()));
  email::Ref<GMimeParser> parser(g_mime_parser_new_with_stream(stream.p));
  email::Ref<GMimeObject> root(g_mime_parser_construct_part(parser.p, nullptr));
  if (!root.p || !GMIME_IS_MULTIPART(root.p)) return bad_request("the form could not be read");
  std::map<std::string, FormPart> out;
  GMimeMultipart* mp = GMIME_MULTIPART(root.p);
  for (int i = 0; i < g_mime_multipart_get_count(mp); ++i) {
    GMimeObject* part = g_mime_multipart_get_part(mp, i);
    if (!GMIME_IS_PART(part)) continue;
    const char* name = g_mime_object_get_content_disposition_parameter(part, "name");
    if (!name || out.count(name)) continue;
    FormPart f;
    if (const char* fn = g_mime_part_get_filename(GMIME_PART(part))) {
      f.filename = fn;
      // Some browsers sent the whole path: keep the last component only.
      if (auto slash = f.filename.find_last_of("/\\"); slash != std::string::npos)
        f.filename.erase(0, slash + 1);
    }
    if (GMimeDataWrapper* content = g_mime_part_get_content(GMIME_PART(part))) {
      email::Ref<GMimeStream> mem(g_mime_stream_mem_new());
      if (g_mime_data_wrapper_write_to_stream(content, mem.p) < 0)
        return bad_request("the form could not be read");
      GByteArray* bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem.p));
      if (bytes) f.value.assign(reinterpret_cast<const char*>(bytes->data), bytes->len);
    }
    out.emplace(name, std::move(f));
  }
  return out;
}

}  // namespace tocsin::web::admin
