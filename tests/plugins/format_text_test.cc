#include "format_text.h"

#include <gtest/gtest.h>

namespace trendgraph::formats {
namespace {

TEST(FormatText, TrimBlankRemovesSpacesAndTabsOnly) {
  EXPECT_EQ(TrimBlank(" \t a b \t"), "a b");
  EXPECT_EQ(TrimBlank("\r a \r"), "\r a \r");
  EXPECT_EQ(TrimBlank("   "), "");
}

TEST(FormatText, NormaliseCollapsesWhitespaceAndLowerCases) {
  EXPECT_EQ(NormaliseName("  Artificial   Intelligence\t(AI) "), "artificial intelligence (ai)");
  EXPECT_EQ(NormaliseName("AI"), "ai");
  EXPECT_EQ(NormaliseName(" \t "), "");
  EXPECT_EQ(NormaliseName("a\tb"), "a b");
  // Nothing but space and tab is whitespace.
  EXPECT_EQ(NormaliseName("a\xC2\xA0"
                          "B"),
            "a\xC2\xA0"
            "b");
}

TEST(FormatText, UnicodeLowerCaseLatinGreekCyrillic) {
  EXPECT_EQ(NormaliseName("ÉNERGIE SOLAIRE"), "énergie solaire");
  EXPECT_EQ(NormaliseName("ØRESUND ŁÓDŹ"), "øresund łódź");
  EXPECT_EQ(NormaliseName("ΑΛΦΑ Ωμέγα"), "αλφα ωμέγα");
  EXPECT_EQ(NormaliseName("МОСКВА Ёж"), "москва ёж");
  EXPECT_EQ(NormaliseName("ǅ Ǆ"), "ǆ ǆ");             // Latin Extended-B digraphs
  EXPECT_EQ(NormaliseName("Kirin 9000S (麒麟)"), "kirin 9000s (麒麟)");  // CJK unchanged
  EXPECT_EQ(NormaliseName("ＡＢＣ"), "ａｂｃ");       // full-width
  EXPECT_EQ(NormaliseName("İ"), "i\xCC\x87");          // as Python's str.lower()
  EXPECT_EQ(NormaliseName("Côte d’Ivoire"), "côte d’ivoire");
}

// AppendLowerUtf8 appends (an ASCII prefix written in bulk, then the rest
// code point by code point) after what `out` already holds.
TEST(FormatText, LowerCaseAppendsAfterExistingText) {
  std::string out = "Keep|";
  AppendLowerUtf8("ABC def", &out);
  EXPECT_EQ(out, "Keep|abc def");
  AppendLowerUtf8("XY ÉCOLE Z", &out);
  EXPECT_EQ(out, "Keep|abc defxy école z");
  AppendLowerUtf8("", &out);
  AppendLowerUtf8("ÀB", &out);
  EXPECT_EQ(out, "Keep|abc defxy école zàb");
  std::string first;
  AppendLowerUtf8("Q\xFF", &first);
  EXPECT_EQ(first, "q\xFF");
}

TEST(FormatText, InvalidUtf8IsCopiedNotCrashed) {
  std::string bad = "A\xFF\xC3";
  EXPECT_EQ(NormaliseName(bad), "a\xFF\xC3");
  size_t off = 0;
  EXPECT_FALSE(IsValidUtf8(bad, &off));
  EXPECT_EQ(off, 1u);
  EXPECT_TRUE(IsValidUtf8("plain ascii text that is longer than eight bytes, é and 麒麟"));
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));  // surrogate
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));      // overlong
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // above U+10FFFF
}

TEST(FormatText, CanonicalUrl) {
  EXPECT_EQ(CanonicalUrl("HTTPS://Example.COM/Path/To/?utm_source=newsletter&utm_medium=email"),
            "https://example.com/Path/To");
  EXPECT_EQ(CanonicalUrl("https://example.com/a/#frag"), "https://example.com/a");
  EXPECT_EQ(CanonicalUrl("https://example.com/"), "https://example.com");
  EXPECT_EQ(CanonicalUrl("https://example.com/a?id=3&UTM_campaign=x&b=%2F"), "https://example.com/a?id=3&b=%2F");
  EXPECT_EQ(CanonicalUrl("https://example.com/a?utm_source=x"), "https://example.com/a");
  EXPECT_EQ(CanonicalUrl(" https://example.com/a?&&x=1# "), "https://example.com/a?x=1");
  EXPECT_EQ(CanonicalUrl("https://example.com/p/20250504 "), "https://example.com/p/20250504");
}

TEST(FormatText, PageDates) {
  EXPECT_EQ(IsoDateFromPage("20240324"), "2024-03-24");
  EXPECT_EQ(IsoDateFromPage("20250511d"), "2025-05-11");
  EXPECT_EQ(IsoDateFromPage("4805.0"), "");
  EXPECT_EQ(IsoDateFromPage("20230230"), "");
  EXPECT_EQ(IsoDateFromPage("20240229"), "2024-02-29");
  EXPECT_EQ(IsoDateFromPage("21000229"), "");
  EXPECT_EQ(IsoDateFromPage("2024032"), "");
}

}  // namespace
}  // namespace trendgraph::formats
