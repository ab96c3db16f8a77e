#include "email/smtp_reply.h"

#include <cctype>

namespace tocsin::email {
namespace {

std::string upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// The words of an EHLO line after its code and separator ("250-AUTH PLAIN LOGIN" → AUTH, PLAIN, LOGIN).
std::vector<std::string> words_of(std::string_view line) {
  std::vector<std::string> out;
  if (line.size() <= 4) return out;
  line.remove_prefix(4);
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '=')) ++i;  // old servers wrote AUTH=LOGIN
    size_t j = i;
    while (j < line.size() && line[j] != ' ' && line[j] != '=') ++j;
    if (j > i) out.push_back(upper(line.substr(i, j - i)));
    i = j;
  }
  return out;
}

}  // namespace

bool add_reply_line(SmtpReply& r, std::string_view line) {
  r.lines.emplace_back(line);
  bool digits = line.size() >= 3 && std::isdigit(static_cast<unsigned char>(line[0])) &&
                std::isdigit(static_cast<unsigned char>(line[1])) &&
                std::isdigit(static_cast<unsigned char>(line[2]));
  if (!digits) {
    r.code = 0;
    return true;
  }
  r.code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
  return line.size() == 3 || line[3] != '-';
}

Handover classify_transaction(const std::vector<SmtpReply>& replies) {
  using O = Handover::Outcome;
  for (size_t i = 0; i < replies.size(); ++i) {
    const SmtpReply& r = replies[i];
    // DATA's 354 is its positive answer; everywhere else only 2xx is.
    bool ok = i == 2 ? r.code == 354 : r.code >= 200 && r.code < 300;
    if (ok) continue;
    if (r.code == 0)
      return Handover{O::kDeferred, 0, r.last().empty() ? "no reply from the relay" : r.last()};
    if (r.code >= 500 && r.code <= 599) return Handover{O::kRejected, r.code, r.last()};
    return Handover{O::kDeferred, r.code, r.last()};
  }
  if (replies.size() < 4) return Handover{O::kDeferred, 0, "the relay did not answer the whole transaction"};
  return Handover{O::kAccepted, replies.back().code, replies.back().last()};
}

void append_data(std::string& out, std::string_view data) {
  out.reserve(out.size() + data.size() + data.size() / 64 + 8);
  size_t pos = 0;
  while (pos < data.size()) {
    if (data[pos] == '.') out += '.';
    size_t eol = data.find('\n', pos);
    size_t end = eol == std::string_view::npos ? data.size() : eol + 1;
    out.append(data.data() + pos, end - pos);
    pos = end;
  }
  if (!data.empty() && !(data.size() >= 2 && data.substr(data.size() - 2) == "\r\n")) out += "\r\n";
  out += ".\r\n";
}

std::vector<std::string> ehlo_keywords(const SmtpReply& ehlo) {
  std::vector<std::string> out;
  for (size_t i = 1; i < ehlo.lines.size(); ++i) {
    auto w = words_of(ehlo.lines[i]);
    if (!w.empty()) out.push_back(w.front());
  }
  return out;
}

bool ehlo_offers(const SmtpReply& ehlo, std::string_view keyword) {
  for (const auto& k : ehlo_keywords(ehlo))
    if (k == keyword) return true;
  return false;
}

bool ehlo_offers_auth(const SmtpReply& ehlo, std::string_view mechanism) {
  for (size_t i = 1; i < ehlo.lines.size(); ++i) {
    auto w = words_of(ehlo.lines[i]);
    if (w.empty() || w.front() != "AUTH") continue;
    for (size_t j = 1; j < w.size(); ++j)
      if (w[j] == mechanism) return true;
  }
  return false;
}

}  // namespace tocsin::email
