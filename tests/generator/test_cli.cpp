// lai-gen as a user runs it: exit codes, messages, and that a failing command
// leaves no output file behind.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "../common/factors.hpp"

namespace fs = std::filesystem;

namespace {

struct CliRun {
  int code = -1;
  std::string out, err;
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Runs lai-gen with `args` (already shell-quoted) in `cwd`.
CliRun lai_gen(const std::string& args, const fs::path& cwd = fs::current_path()) {
  const fs::path dir = fs::temp_directory_path() / ("lai_cli_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::string cmd = "cd '" + cwd.string() + "' && '" + LAI_GEN_EXE + "' " + args + " >'" +
                          (dir / "out").string() + "' 2>'" + (dir / "err").string() + "'";
  const int status = std::system(cmd.c_str());
  CliRun r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(dir / "out");
  r.err = slurp(dir / "err");
  return r;
}

struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() /
           ("lai_cli_t_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
};

const std::string kFactors = std::string(LAI_SOURCE_DIR) + "/factors/";

}  // namespace

TEST(Cli, VerifyPassesWithExitZero) {
  const CliRun r = lai_gen("verify " + kFactors + "strassen_2x2x2_r7.json " + kFactors + "strassen2_4x4x4_r49.json");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("strassen_2x2x2_r7 <2,2,2;7> rank 7"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("strassen2_4x4x4_r49 <4,4,4;49> rank 49"), std::string::npos) << r.out;
  EXPECT_EQ(r.err, "");
}

TEST(Cli, VerifyFailureExitsOneWithTheEquation) {
  TempDir t;
  std::string text = slurp(kFactors + "strassen_2x2x2_r7.json");
  // First product's U: [1,0,0,1] -> [2,0,0,1]
  const auto pos = text.find("{\"U\": [1,0,0,1]");
  ASSERT_NE(pos, std::string::npos);
  text.replace(pos, 15, "{\"U\": [2,0,0,1]");
  std::ofstream(t.path / "bad.json") << text;
  const CliRun r = lai_gen("verify " + (t.path / "bad.json").string());
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("FAIL"), std::string::npos);
  EXPECT_NE(r.err.find("coefficient of A[0][0]*B[0][0] in C[0][0] is 2, expected 1"), std::string::npos) << r.err;
}

TEST(Cli, MalformedInputExitsTwoNamingFileAndRule) {
  TempDir t;
  const fs::path f = t.path / "broken.json";
  std::ofstream(f) << "{\"format\": \"lapack-ai-scheme\", \"version\": 1, \"name\": ";
  CliRun r = lai_gen("verify " + f.string());
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find(f.string() + ": invalid JSON at byte"), std::string::npos) << r.err;

  std::ofstream(f) << "{\"format\": \"lapack-ai-scheme\", \"version\": 1, \"name\": \"x_2x2x2_r1\", \"m\": 2, "
                      "\"k\": 2, \"n\": 2, \"rank\": 1, \"field\": \"Z\", \"products\": [{\"U\": [1,0,0], \"V\": "
                      "[1,0,0,0], \"W\": [1,0,0,0]}]}";
  r = lai_gen("verify " + f.string());
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("products[0].U has 3 entries, expected 4"), std::string::npos) << r.err;

  r = lai_gen("verify " + (t.path / "missing.json").string());
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("missing.json: cannot read"), std::string::npos) << r.err;

  std::ofstream(f) << "{\"format\": \"lapack-ai-scheme\", \"version\": 1, \"name\": \"x_2x2x2_r1\", \"m\": 2, "
                      "\"k\": 2, \"n\": 2, \"rank\": 1, \"field\": \"Q\", \"products\": [{\"U\": [\"1/0\",0,0,0], "
                      "\"V\": [1,0,0,0], \"W\": [1,0,0,0]}]}";
  r = lai_gen("verify " + f.string());
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("products[0].U[0]"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("zero denominator"), std::string::npos) << r.err;
}

TEST(Cli, ComposeReproducesTheCommittedStrassenSquare) {
  // The committed file records the command that made it; running exactly that
  // command from a copy of the source layout must give the same bytes.
  TempDir t;
  fs::create_directories(t.path / "factors");
  fs::copy_file(kFactors + "strassen_2x2x2_r7.json", t.path / "factors/strassen_2x2x2_r7.json");
  const CliRun r = lai_gen("compose factors/strassen_2x2x2_r7.json factors/strassen_2x2x2_r7.json -o "
                        "factors/strassen2_4x4x4_r49.json",
                        t.path);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(slurp(t.path / "factors/strassen2_4x4x4_r49.json"), slurp(kFactors + "strassen2_4x4x4_r49.json"));
}

TEST(Cli, EmitRefusesAnUnverifiedSchemeAndWritesNothing) {
  TempDir t;
  std::string text = slurp(kFactors + "strassen_2x2x2_r7.json");
  const auto pos = text.find("{\"U\": [1,0,0,1]");
  ASSERT_NE(pos, std::string::npos);
  text.replace(pos, 15, "{\"U\": [1,0,0,0]");
  std::ofstream(t.path / "strassen_2x2x2_r7.json") << text;
  for (const char* target : {"cpp-4x4", "cpp-block", "fortran", "opencl-batched"}) {
    const CliRun r = lai_gen("emit --scheme " + (t.path / "strassen_2x2x2_r7.json").string() + " --target " + target +
                          " --dtype f64 -o " + (t.path / "out").string());
    EXPECT_EQ(r.code, 1) << target;
    EXPECT_NE(r.err.find("refusing to emit"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(t.path / "out") && !fs::is_empty(t.path / "out")) << target << " left files behind";
  }
}

TEST(Cli, EmitRejectsBadTargetDtypeAndName) {
  TempDir t;
  const std::string scheme = kFactors + "strassen_2x2x2_r7.json";
  CliRun r = lai_gen("emit --scheme " + scheme + " --target cuda --dtype f64 -o " + t.path.string());
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("cuda"), std::string::npos) << r.err;
  r = lai_gen("emit --scheme " + scheme + " --target cpp-4x4 --dtype f16 -o " + t.path.string());
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("f16"), std::string::npos) << r.err;
  r = lai_gen("emit --scheme " + scheme + " --name mine_4x4x4_r7 --target cpp-4x4 -o " + t.path.string());
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("must be <source>_2x2x2_r7"), std::string::npos) << r.err;
  EXPECT_TRUE(fs::is_empty(t.path));
}

TEST(Cli, EmitIsDeterministic) {
  TempDir t;
  const std::string scheme = kFactors + "strassen_2x2x2_r7.json";
  for (const char* target : {"cpp-4x4", "cpp-block", "fortran", "opencl-batched"}) {
    for (const std::string sub : {"a", "b"}) {
      const CliRun r = lai_gen("emit --scheme " + scheme + " --target " + target + " --dtype f64 -o " +
                            (t.path / sub).string());
      ASSERT_EQ(r.code, 0) << target << ": " << r.err;
    }
  }
  int files = 0;
  for (const auto& e : fs::directory_iterator(t.path / "a")) {
    const std::string a = slurp(e.path());
    EXPECT_EQ(a, slurp(t.path / "b" / e.path().filename())) << e.path().filename();
    EXPECT_NE(a.find("Generated by lai-gen"), std::string::npos);
    EXPECT_NE(a.find("strassen_2x2x2_r7.json (sha256 "), std::string::npos);
    EXPECT_NE(a.find("do not edit"), std::string::npos);
    ++files;
  }
  EXPECT_EQ(files, 6);  // .cpp+.h, .cpp+.h, .f90, .cl
}

TEST(Cli, InfoReportsAdditionsBeforeAndAfter) {
  const CliRun r = lai_gen("info " + kFactors + "strassen_2x2x2_r7.json");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("multiplications: 7"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("total"), std::string::npos) << r.out;
}

TEST(Cli, EverySubcommandHasHelp) {
  for (const char* sub : {"", "verify ", "info ", "compose ", "emit ", "list "}) {
    const CliRun r = lai_gen(std::string(sub) + "--help");
    EXPECT_EQ(r.code, 0) << sub;
    EXPECT_NE(r.out.find("Usage"), std::string::npos) << sub << r.out;
  }
}

TEST(Cli, VerifiesExternalFilesByReference) {
  LAI_FACTORS_DIR_OR_SKIP(dir);
  CliRun r = lai_gen("verify '" + dir + "/alphatensor/factorizations_r.npz:4,4,4' " + dir +
                  "/plinopt/4x4x4_48_rational_L.sms");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("alphatensor_4x4x4_r49"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("rank 48"), std::string::npos) << r.out;
  r = lai_gen("verify '" + dir + "/alphatensor/factorizations_f2.npz:4,4,4'");
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_NE(r.err.find("Brent equation"), std::string::npos) << r.err;
}
