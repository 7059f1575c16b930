#include "format_text.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace trendgraph::formats {
namespace {

#include "lower_case_table.inc"

// Lower case of one code point through the generated table (binary search;
// callers handle ASCII before coming here).
uint32_t LowerCodePoint(uint32_t cp) {
  const auto* begin = std::begin(kLowerCasePairs);
  const auto* end = std::end(kLowerCasePairs);
  const auto* it = std::lower_bound(begin, end, cp, [](const uint32_t(&p)[2], uint32_t v) { return p[0] < v; });
  if (it != end && (*it)[0] == cp) return (*it)[1];
  return cp;
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Decodes one well-formed UTF-8 sequence at s[i]; returns its length, 0 when
// malformed.
size_t DecodeUtf8(std::string_view s, size_t i, uint32_t* cp) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  const size_t left = s.size() - i;
  auto cont = [&](size_t k) { return (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80; };
  if (b0 < 0x80) {
    *cp = b0;
    return 1;
  }
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    if (left < 2 || !cont(1)) return 0;
    *cp = ((b0 & 0x1Fu) << 6) | (static_cast<unsigned char>(s[i + 1]) & 0x3Fu);
    return 2;
  }
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    if (left < 3 || !cont(1) || !cont(2)) return 0;
    uint32_t v = ((b0 & 0x0Fu) << 12) | ((static_cast<unsigned char>(s[i + 1]) & 0x3Fu) << 6) |
                 (static_cast<unsigned char>(s[i + 2]) & 0x3Fu);
    if (v < 0x800 || (v >= 0xD800 && v <= 0xDFFF)) return 0;
    *cp = v;
    return 3;
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    if (left < 4 || !cont(1) || !cont(2) || !cont(3)) return 0;
    uint32_t v = ((b0 & 0x07u) << 18) | ((static_cast<unsigned char>(s[i + 1]) & 0x3Fu) << 12) |
                 ((static_cast<unsigned char>(s[i + 2]) & 0x3Fu) << 6) |
                 (static_cast<unsigned char>(s[i + 3]) & 0x3Fu);
    if (v < 0x10000 || v > 0x10FFFF) return 0;
    *cp = v;
    return 4;
  }
  return 0;
}

bool IsAsciiAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

}  // namespace

bool IsValidUtf8(std::string_view s, size_t* bad_offset) {
  size_t i = 0;
  const size_t n = s.size();
  while (i < n) {
    // ASCII runs dominate every corpus: skip 8 bytes at a time.
    while (i + 8 <= n) {
      uint64_t w;
      std::memcpy(&w, s.data() + i, 8);
      if (w & 0x8080808080808080ull) break;
      i += 8;
    }
    if (i >= n) break;
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    uint32_t cp;
    size_t len = DecodeUtf8(s, i, &cp);
    if (len == 0) {
      if (bad_offset) *bad_offset = i;
      return false;
    }
    i += len;
  }
  return true;
}

void AppendLowerUtf8(std::string_view s, std::string* out) {
  size_t i = 0;
  // ASCII prefix (most names are all ASCII): written straight into the
  // grown string instead of one push_back per byte.
  while (i < s.size() && static_cast<unsigned char>(s[i]) < 0x80) ++i;
  const size_t base = out->size();
  out->resize(base + i);
  char* dst = out->data() + base;
  for (size_t k = 0; k < i; ++k) {
    const char c = s[k];
    dst[k] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
  }
  if (i == s.size()) return;
  out->reserve(out->size() + (s.size() - i));
  while (i < s.size()) {
    const char c = s[i];
    if (static_cast<unsigned char>(c) < 0x80) {
      out->push_back((c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c);
      ++i;
      continue;
    }
    uint32_t cp;
    size_t len = DecodeUtf8(s, i, &cp);
    if (len == 0) {
      out->push_back(c);
      ++i;
      continue;
    }
    uint32_t low = LowerCodePoint(cp);
    if (low == cp) {
      bool multi = false;
      for (const auto& m : kLowerCaseMulti) {
        if (m.code_point == cp) {
          out->append(m.utf8);
          multi = true;
        }
      }
      if (!multi) out->append(s.substr(i, len));
    } else {
      AppendUtf8(low, out);
    }
    i += len;
  }
}

std::string NormaliseName(std::string_view name) {
  std::string out;
  NormaliseNameInto(name, &out);
  return out;
}

void NormaliseNameInto(std::string_view name, std::string* out) {
  out->clear();
  std::string_view t = TrimBlank(name);
  std::string collapsed;
  std::string_view src = t;
  // Only build a collapsed copy when there is something to collapse.
  bool needs_collapse = false;
  for (size_t i = 0; i < t.size(); ++i) {
    if (t[i] == '\t' || (t[i] == ' ' && i + 1 < t.size() && IsBlank(t[i + 1]))) {
      needs_collapse = true;
      break;
    }
  }
  if (needs_collapse) {
    collapsed.reserve(t.size());
    bool in_blank = false;
    for (char c : t) {
      if (IsBlank(c)) {
        if (!in_blank) collapsed.push_back(' ');
        in_blank = true;
      } else {
        collapsed.push_back(c);
        in_blank = false;
      }
    }
    src = collapsed;
  }
  AppendLowerUtf8(src, out);
}

bool CheckDocumentText(std::string_view* text, size_t max_bytes, std::string_view format, std::string_view kind,
                       std::string* error) {
  if (text->size() > max_bytes) {
    *error = "document is " + std::to_string(text->size()) + " bytes; the " + std::string(format) +
             " format limit is " + std::to_string(max_bytes) + " bytes";
    return false;
  }
  if (text->empty()) {
    *error = "document is empty";
    return false;
  }
  if (size_t nul = text->find('\0'); nul != std::string_view::npos) {
    *error = "byte " + std::to_string(nul) + " is NUL: binary data, not " + std::string(kind);
    return false;
  }
  size_t bad = 0;
  if (!IsValidUtf8(*text, &bad)) {
    *error = "byte " + std::to_string(bad) + " is not valid UTF-8";
    return false;
  }
  if (text->substr(0, 3) == "\xEF\xBB\xBF") text->remove_prefix(3);
  return true;
}

std::string CanonicalUrl(std::string_view url) {
  url = TrimBlank(url);
  while (!url.empty() && (url.back() == '\r' || url.back() == '\n')) url.remove_suffix(1);
  // Fragment first, then query: as urlsplit does.
  if (size_t hash = url.find('#'); hash != std::string_view::npos) url = url.substr(0, hash);
  std::string_view query;
  bool has_query = false;
  if (size_t q = url.find('?'); q != std::string_view::npos) {
    query = url.substr(q + 1);
    url = url.substr(0, q);
    has_query = true;
  }
  std::string out;
  out.reserve(url.size() + query.size() + 1);
  // scheme: letters first, then letters, digits, "+-."; before the first ':'.
  std::string_view rest = url;
  if (size_t colon = url.find(':'); colon != std::string_view::npos && colon > 0 && IsAsciiAlpha(url[0])) {
    bool ok = true;
    for (size_t i = 0; i < colon; ++i) {
      char c = url[i];
      if (!(IsAsciiAlpha(c) || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.')) ok = false;
    }
    if (ok) {
      AppendLowerUtf8(url.substr(0, colon + 1), &out);
      rest = url.substr(colon + 1);
    }
  }
  std::string_view path = rest;
  if (rest.substr(0, 2) == "//") {
    size_t slash = rest.find('/', 2);
    std::string_view host = rest.substr(2, slash == std::string_view::npos ? std::string_view::npos : slash - 2);
    out.append("//");
    AppendLowerUtf8(host, &out);
    path = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
  }
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  out.append(path);
  if (has_query) {
    bool first = true;
    size_t start = 0;
    while (start <= query.size()) {
      size_t amp = query.find('&', start);
      if (amp == std::string_view::npos) amp = query.size();
      std::string_view param = query.substr(start, amp - start);
      start = amp + 1;
      if (param.empty()) continue;
      std::string_view key = param.substr(0, param.find('='));
      bool utm = key.size() >= 4 && (key[0] == 'u' || key[0] == 'U') && (key[1] == 't' || key[1] == 'T') &&
                 (key[2] == 'm' || key[2] == 'M') && key[3] == '_';
      if (utm) continue;
      out.push_back(first ? '?' : '&');
      out.append(param);
      first = false;
    }
  }
  return out;
}

bool IsValidDate(int year, int month, int day) {
  if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int dim = kDays[month - 1];
  if (month == 2 && (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0))) dim = 29;
  return day <= dim;
}

std::string IsoDateFromPage(std::string_view page) {
  if (page.size() < 8) return {};
  int v[8];
  for (int i = 0; i < 8; ++i) {
    if (page[i] < '0' || page[i] > '9') return {};
    v[i] = page[i] - '0';
  }
  int year = v[0] * 1000 + v[1] * 100 + v[2] * 10 + v[3];
  int month = v[4] * 10 + v[5];
  int day = v[6] * 10 + v[7];
  if (!IsValidDate(year, month, day)) return {};
  std::string out(page.substr(0, 4));
  out.push_back('-');
  out.append(page.substr(4, 2));
  out.push_back('-');
  out.append(page.substr(6, 2));
  return out;
}

}  // namespace trendgraph::formats
