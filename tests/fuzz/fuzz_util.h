// Deterministic fuzzing helpers for the fuzz suite: a seeded random source
// whose numbers are the same on every platform (std::mt19937_64 is specified
// exactly; the std distributions are not, so bounded draws are done here),
// mutators for text (tokens, bytes, nesting, huge literals, invalid UTF-8),
// and a budget that bounds a test by iterations and wall-clock time.
//
// Every test derives the seed of iteration i from a fixed base, so a failure
// message naming the iteration (and its seed) reproduces the input exactly:
// TRENDGRAPH_FUZZ_ONLY=<iteration> runs that one iteration.
// TRENDGRAPH_FUZZ_ITERATIONS and TRENDGRAPH_FUZZ_SECONDS scale a run up (or
// down) without editing the test.
#pragma once

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <random>
#include <vector>

namespace trendgraph::fuzz {

class Rng {
 public:
  explicit Rng(uint64_t seed) : gen_(seed) {}
  uint64_t Next() { return gen_(); }
  // Uniform in [0, n); n > 0.
  size_t Below(size_t n) { return n == 0 ? 0 : static_cast<size_t>(gen_() % n); }
  // True with probability num / den.
  bool Chance(unsigned num, unsigned den) { return Below(den) < num; }
  template <typename T>
  const T& Pick(const std::vector<T>& v) { return v[Below(v.size())]; }

 private:
  std::mt19937_64 gen_;
};

inline uint64_t SeedFor(uint64_t base, uint64_t iteration) {
  // splitmix64 of (base, iteration): neighbouring iterations get unrelated streams.
  uint64_t z = base + 0x9e3779b97f4a7c15ull * (iteration + 1);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

inline uint64_t EnvOr(const char* name, uint64_t fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::strtoull(v, nullptr, 10) : fallback;
}

// Bounds a fuzz loop: at most `iterations` (TRENDGRAPH_FUZZ_ITERATIONS) and
// at most `seconds` (TRENDGRAPH_FUZZ_SECONDS) of wall-clock time, so that a
// slow (sanitizer) build runs fewer iterations rather than timing out.
// TRENDGRAPH_FUZZ_ONLY=i runs iteration i alone.
class Budget {
 public:
  Budget(uint64_t iterations, uint64_t seconds)
      : iterations_(EnvOr("TRENDGRAPH_FUZZ_ITERATIONS", iterations)),
        deadline_(std::chrono::steady_clock::now() + std::chrono::seconds(EnvOr("TRENDGRAPH_FUZZ_SECONDS", seconds))) {
    if (const char* only = std::getenv("TRENDGRAPH_FUZZ_ONLY"); only && *only) {
      only_ = std::strtoull(only, nullptr, 10);
      has_only_ = true;
    }
  }
  // The first iteration to run and whether iteration `i` should run.
  uint64_t first() const { return has_only_ ? only_ : 0; }
  bool Continue(uint64_t i) const {
    if (has_only_) return i == only_;
    return i < iterations_ && std::chrono::steady_clock::now() < deadline_;
  }

 private:
  uint64_t iterations_;
  std::chrono::steady_clock::time_point deadline_;
  uint64_t only_ = 0;
  bool has_only_ = false;
};

// Splits text into rough tokens (words, numbers, quoted strings, single
// punctuation, whitespace runs) so that mutants stay close to the grammar.
// Concatenating the tokens gives the text back.
inline std::vector<std::string> RoughTokens(std::string_view s) {
  std::vector<std::string> out;
  size_t i = 0;
  auto is_word = [](unsigned char c) { return std::isalnum(c) || c == '_' || c == '$' || c >= 0x80; };
  while (i < s.size()) {
    size_t j = i + 1;
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (std::isspace(c)) {
      while (j < s.size() && std::isspace(static_cast<unsigned char>(s[j]))) ++j;
    } else if (is_word(c)) {
      while (j < s.size() && is_word(static_cast<unsigned char>(s[j]))) ++j;
    } else if (c == '\'' || c == '"' || c == '`') {
      while (j < s.size() && s[j] != static_cast<char>(c)) j += s[j] == '\\' ? 2 : 1;
      j = std::min(j + 1, s.size());
    }
    out.emplace_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

inline std::string Join(const std::vector<std::string>& tokens) {
  std::string s;
  for (const auto& t : tokens) s += t;
  return s;
}

// Byte sequences that are not valid UTF-8: a lone continuation byte, a
// truncated two-byte sequence, an overlong '/', a UTF-16 surrogate, a code
// point above U+10FFFF, 0xFF, and a NUL.
inline const std::vector<std::string>& InvalidUtf8() {
  static const std::vector<std::string> k = {"\x80", "\xc3", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80",
                                             "\xff", std::string(1, '\0'), "\xe2\x82"};
  return k;
}

// One random change to `s` (byte level): flip, insert, delete, truncate,
// insert invalid UTF-8.
inline void MutateBytes(Rng& rng, std::string* s) {
  switch (rng.Below(6)) {
    case 0:
      if (!s->empty()) (*s)[rng.Below(s->size())] ^= static_cast<char>(1u << rng.Below(8));
      break;
    case 1:
      s->insert(s->begin() + static_cast<long>(rng.Below(s->size() + 1)), static_cast<char>(rng.Below(256)));
      break;
    case 2:
      if (!s->empty()) s->erase(rng.Below(s->size()), 1 + rng.Below(8));
      break;
    case 3:
      s->resize(rng.Below(s->size() + 1));
      break;
    case 4:
      s->insert(rng.Below(s->size() + 1), rng.Pick(InvalidUtf8()));
      break;
    default:
      if (!s->empty()) (*s)[rng.Below(s->size())] = static_cast<char>(rng.Below(256));
      break;
  }
}

// `s` for a failure message: at most `max` bytes, newlines as \n, other
// control and non-ASCII bytes as \xNN, and the full size when cut.
inline std::string Printable(std::string_view s, size_t max) {
  std::string out;
  for (char c : s.substr(0, max)) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u == '\n') {
      out += "\\n";
    } else if (u < 0x20 || u >= 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\x%02x", u);
      out += buf;
    } else {
      out.push_back(c);
    }
  }
  if (s.size() > max) out += "...(" + std::to_string(s.size()) + " bytes)";
  return out;
}

}  // namespace trendgraph::fuzz
