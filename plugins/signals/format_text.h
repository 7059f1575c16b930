// Text rules shared by the format plugins (signals, news, actors): name
// normalisation, UTF-8 checks and lower-casing, article URL canonicalisation,
// page dates. Pure functions of their input; no SDK, no allocation beyond the
// returned strings. Thread-safe.
//
// The rules are the benchmark's "Ground-truth rules"
// (/work/shared/bench/README.md); every deviation is named at the function.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace trendgraph::formats {

// Whitespace in every format rule means space and tab only.
[[nodiscard]] inline bool IsBlank(char c) { return c == ' ' || c == '\t'; }

// Removes spaces and tabs at both ends. Inline: called per cell, bullet
// and line.
[[nodiscard]] inline std::string_view TrimBlank(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && IsBlank(s[b])) ++b;
  while (e > b && IsBlank(s[e - 1])) --e;
  return s.substr(b, e - b);
}

// True when `s` is well-formed UTF-8 (no overlongs, no surrogates, nothing
// above U+10FFFF). On false, `*bad_offset` (when given) is the byte offset of
// the first bad sequence.
[[nodiscard]] bool IsValidUtf8(std::string_view s, size_t* bad_offset = nullptr);

// Appends the Unicode lower case of `s` (Python's str.lower(): per code point,
// U+0130 gives two). Bytes that are not valid UTF-8 are copied unchanged.
void AppendLowerUtf8(std::string_view s, std::string* out);

// The node key of an entity name: every run of spaces/tabs becomes one space,
// both ends trimmed, then lower-cased. Empty when the name is blank.
[[nodiscard]] std::string NormaliseName(std::string_view name);
// The same into `*out` (replacing its contents, reusing its capacity).
void NormaliseNameInto(std::string_view name, std::string* out);

// The Article key of a URL: scheme and host lower-cased; the fragment, every
// query parameter whose name starts with "utm_" (any case) and trailing '/'
// of the path removed. The other query parameters keep their bytes and order
// (the Python reference re-encodes them with urlencode; the generated corpus
// has only utm_* parameters, so the two agree there). Leading/trailing
// whitespace is trimmed.
[[nodiscard]] std::string CanonicalUrl(std::string_view url);

// "YYYY-MM-DD" when `page` starts with 8 digits forming a valid Gregorian
// date YYYYMMDD (a suffix such as "20250511d" is allowed); else empty.
[[nodiscard]] std::string IsoDateFromPage(std::string_view page);

// The checks every format plugin runs before parsing a document: not over
// `max_bytes`, not empty, no NUL byte (binary data), well-formed UTF-8. On
// success a leading UTF-8 byte-order mark is removed from `*text`; on failure
// `*error` names the problem (`kind` is what the format expects, e.g.
// "a markdown page").
[[nodiscard]] bool CheckDocumentText(std::string_view* text, size_t max_bytes, std::string_view format,
                                     std::string_view kind, std::string* error);

// True when y-m-d is a valid Gregorian date (year 1..9999).
[[nodiscard]] bool IsValidDate(int year, int month, int day);

}  // namespace trendgraph::formats
