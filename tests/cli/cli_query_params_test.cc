// `trendgraph query -p NAME=VALUE`: temporal parameters written as the
// function call that makes them (date('...'), datetime('...'), ...), parsed
// by the query's own constructors; bad text is a usage error naming the
// parameter. Runs the real binary on a temporary database.
#include <string>

#include "cli_test_support.h"
#include "test_util.h"

namespace trendgraph {
namespace {

using testing::RunCli;
using testing::RunResult;

TEST(CliQueryParams, TemporalParametersAreTypedValues) {
  testing::TempDir tmp;
  std::string db = tmp.Sub("db");
  RunResult r = RunCli("query --db " + db + " --tsv" +
                       " -p \"d=date('2024-03-05')\"" +
                       " -p \"dt=datetime('2024-03-05T12:00[Asia/Shanghai]')\"" +
                       " -p \"t=TIME('12:31+01:00')\"" +
                       " -p \"lt=localtime('12:31:14')\"" +
                       " -p \"ldt=localdatetime('2024-03-05T12:31')\"" +
                       " -p \"dur=duration('P1DT2H')\"" +
                       " -p \"s=date\"" +
                       " 'RETURN $d + $dur AS later, $d.year AS y, $dt.offset AS off, $t.hour AS h, $lt.second AS sec, "
                       "$ldt.minute AS m, $dur.hours AS dh, $s AS s, $d = date(\"2024-03-05\") AS same'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("later\ty\toff\th\tsec\tm\tdh\ts\tsame"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("date('2024-03-06')\t2024\t+08:00\t12\t14\t31\t2\tdate\ttrue"), std::string::npos)
      << r.output;
}

TEST(CliQueryParams, StoredThroughAParameterAndReadBack) {
  testing::TempDir tmp;
  std::string db = tmp.Sub("db");
  RunResult r = RunCli("query --db " + db + " -p \"since=date('2024-01-01')\"" +
                       " 'CREATE (:VoucherProgram {id: \"sh-2024\", since: $since})'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = RunCli("query --db " + db + " --tsv -p \"cut=date('2023-12-31')\"" +
             " 'MATCH (v:VoucherProgram) WHERE v.since > $cut RETURN v.id, v.since'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("sh-2024\tdate('2024-01-01')"), std::string::npos) << r.output;
}

TEST(CliQueryParams, BadTemporalTextIsAUsageErrorNamingTheParameter) {
  testing::TempDir tmp;
  std::string db = tmp.Sub("db");
  RunResult r = RunCli("query --db " + db + " -p \"when=datetime('2024-03-05T12:00[Mars/Olympus]')\"" +
                       " 'CREATE (:X {when: $when})'");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("parameter 'when'"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("Mars/Olympus"), std::string::npos) << r.output;
  r = RunCli("query --db " + db + " -p \"d=date('2024-13-45')\" 'RETURN $d'");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("parameter 'd'"), std::string::npos) << r.output;
  // Nothing was written by the refused command.
  r = RunCli("query --db " + db + " --tsv 'MATCH (x:X) RETURN count(x) AS c'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("c\n0"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace trendgraph
