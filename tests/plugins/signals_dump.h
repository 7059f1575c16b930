// Every field of a parsed signals page as text, one line per article,
// concept and Closest link, so tests can compare two parses with EXPECT_EQ
// and see the first differing field.
#pragma once

#include <sstream>
#include <string>

#include "signals_parser.h"

namespace trendgraph::formats {

inline std::string DumpSignalsDocument(const SignalsDocument& d) {
  std::ostringstream o;
  const SignalsArticle& a = d.article;
  o << "article|" << a.id << "|" << a.title << "|" << a.page << "|" << a.published << "|" << a.url << "|"
    << a.category << "|" << a.type << "|" << a.summary << "|" << a.file_hash << "\n";
  for (const SignalsConcept& c : d.concepts) {
    o << "concept|" << static_cast<int>(c.label) << "|" << c.name << "|" << c.display << "|" << c.description
      << "|" << c.change << "|" << c.ten_year << "|" << c.driving_force << "|"
      << (c.relevancy ? std::to_string(*c.relevancy) : "-") << "|" << c.line << "\n";
  }
  for (const SignalsClosest& c : d.closest) o << "closest|" << c.file_hash << "|" << c.title << "|" << c.rank << "\n";
  return o.str();
}

}  // namespace trendgraph::formats
