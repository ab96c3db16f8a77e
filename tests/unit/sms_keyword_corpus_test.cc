// The inbound classifier against labelled real-world replies (tests/fixtures/sms/keyword_corpus*.tsv, one
// "text<TAB>class" per line, class stop|start|help|none). The development corpus was written before the
// classifier was tuned on it; the held-out one was written at the same time and not used for tuning
// (docs/SMS.md, "How well replies are classified", gives its figures at first measurement).
//
// Every line is asserted, and the precision and recall of each class are printed: a change to the patterns
// shows its cost on both.
#include <gtest/gtest.h>

#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "sms/keywords.h"

namespace tocsin::sms {
namespace {

struct Labelled {
  std::string text, expected;
  int line = 0;
};

std::vector<Labelled> read_corpus(const std::string& name) {
  std::string path = std::string(TOCSIN_FIXTURES_DIR) + "/sms/" + name;
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << "cannot read " << path;
  std::vector<Labelled> out;
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (line.empty()) continue;
    auto tab = line.rfind('\t');
    EXPECT_NE(tab, std::string::npos) << path << ":" << n << ": no tab";
    if (tab == std::string::npos) continue;
    out.push_back({line.substr(0, tab), line.substr(tab + 1), n});
  }
  return out;
}

// The corpus's class names for the classifier's kinds.
std::string class_of(const InboundIntent& i) {
  static const std::map<std::string_view, std::string> kClass = {
      {"opt_out", "stop"}, {"opt_in", "start"}, {"help", "help"}, {"none", "none"}};
  return kClass.at(kind_name(i.kind));
}

// Classifies the corpus, prints precision and recall per class, and asserts every line.
void check_corpus(const std::string& name) {
  auto corpus = read_corpus(name);
  ASSERT_GT(corpus.size(), 100u) << name;
  std::map<std::string, int> true_pos, predicted, actual;
  for (const auto& l : corpus) {
    std::string got = class_of(classify_inbound(l.text));
    ++predicted[got];
    ++actual[l.expected];
    if (got == l.expected) ++true_pos[l.expected];
    EXPECT_EQ(got, l.expected) << name << ":" << l.line << ": '" << l.text << "'";
  }
  std::cout << name << " (" << corpus.size() << " replies)\n";
  for (const char* cls : {"stop", "start", "help", "none"}) {
    auto ratio = [](int a, int b) { return b == 0 ? 1.0 : static_cast<double>(a) / b; };
    std::cout << "  " << std::left << std::setw(6) << cls << " precision " << std::fixed
              << std::setprecision(3) << ratio(true_pos[cls], predicted[cls]) << " (" << true_pos[cls] << "/"
              << predicted[cls] << ")  recall " << ratio(true_pos[cls], actual[cls]) << " (" << true_pos[cls]
              << "/" << actual[cls] << ")\n";
  }
}

TEST(SmsKeywordCorpus, DevelopmentCorpusIsClassifiedAsLabelled) {
  check_corpus("keyword_corpus.tsv");
}

TEST(SmsKeywordCorpus, HeldOutCorpusIsClassifiedAsLabelled) {
  check_corpus("keyword_corpus_heldout.tsv");
}

}  // namespace
}  // namespace tocsin::sms
