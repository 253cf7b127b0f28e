// Template filling for the emitters.
//
// The kernel text (signatures, loops, BLAS calls, argument checks) lives in
// templates/*.in; the emitters only compute scheme-dependent pieces and put
// them where the template says {{NAME}}. Both directions are checked so that a
// template and its emitter cannot drift apart silently: a placeholder without
// a value and a value without a placeholder are errors.
#pragma once

#include <map>
#include <stdexcept>
#include <string>
#include <string_view>

namespace lai::gen {

class TemplateError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

using TemplateValues = std::map<std::string, std::string>;

// Replaces every {{NAME}} (NAME: A-Z, 0-9, _) by values.at(NAME). A value
// spanning several lines, whose placeholder has only blanks before it on its
// line, gets those blanks in front of each further non-empty line, so that
// emitters produce unindented statement lists. origin names the template in
// messages. Throws TemplateError on an unknown placeholder, an unterminated
// "{{", or a key of values that the template never uses.
std::string fill_template(std::string_view text, const TemplateValues& values, const std::string& origin);

// Reads <dir>/<name> and fills it.
std::string fill_template_file(const std::string& dir, const std::string& name, const TemplateValues& values);

}  // namespace lai::gen
