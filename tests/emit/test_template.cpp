// The template filler: substitution, indentation of statement lists, and the
// two strictness rules (no placeholder without a value, no unused value).
#include <gtest/gtest.h>

#include "lai_gen/template.hpp"

namespace lai::gen {
namespace {

TEST(Template, Substitutes) {
  EXPECT_EQ(fill_template("a {{X}} b {{Y_2}} {{X}}", {{"X", "1"}, {"Y_2", "two"}}, "t"), "a 1 b two 1");
  EXPECT_EQ(fill_template("no placeholders", {}, "t"), "no placeholders");
}

TEST(Template, IndentsMultiLineValuesOnTheirOwnLine) {
  EXPECT_EQ(fill_template("f() {\n  {{BODY}}\n}\n", {{"BODY", "x = 1;\n\ny = 2;"}}, "t"),
            "f() {\n  x = 1;\n\n  y = 2;\n}\n");
  // After other text the continuation lines are left alone.
  EXPECT_EQ(fill_template("v = {{L}};", {{"L", "(/ 1, &\n 2 /)"}}, "t"), "v = (/ 1, &\n 2 /);");
}

TEST(Template, RejectsUnknownPlaceholderWithLine) {
  try {
    fill_template("line1\n{{NOPE}}\n", {}, "my.in");
    FAIL() << "no exception";
  } catch (const TemplateError& e) {
    EXPECT_NE(std::string(e.what()).find("my.in:2"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("NOPE"), std::string::npos) << e.what();
  }
}

TEST(Template, RejectsUnusedValue) {
  EXPECT_THROW(fill_template("{{A}}", {{"A", "1"}, {"B", "2"}}, "t"), TemplateError);
}

TEST(Template, RejectsMalformedPlaceholders) {
  EXPECT_THROW(fill_template("{{A", {{"A", "1"}}, "t"), TemplateError);
  EXPECT_THROW(fill_template("{{a}}", {{"a", "1"}}, "t"), TemplateError);
  EXPECT_THROW(fill_template("{{}}", {}, "t"), TemplateError);
}

TEST(Template, MissingFileIsAnError) {
  EXPECT_ANY_THROW(fill_template_file("/nonexistent-dir", "x.in", {}));
}

}  // namespace
}  // namespace lai::gen
