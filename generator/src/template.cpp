// {{NAME}} substitution with strict checks (see template.hpp).
#include "lai_gen/template.hpp"

#include <set>

#include "lai_gen/util.hpp"

namespace lai::gen {
namespace {

bool is_name_char(char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'; }

int line_of(std::string_view text, std::size_t pos) {
  int line = 1;
  for (std::size_t i = 0; i < pos && i < text.size(); ++i) line += text[i] == '\n' ? 1 : 0;
  return line;
}

// The blanks between the start of the line and pos, or "" when anything else
// precedes the placeholder on its line.
std::string leading_blanks(std::string_view text, std::size_t pos) {
  std::size_t start = text.rfind('\n', pos == 0 ? 0 : pos - 1);
  start = (start == std::string_view::npos || pos == 0) ? 0 : start + 1;
  std::string_view prefix = text.substr(start, pos - start);
  for (char c : prefix) {
    if (c != ' ') return "";
  }
  return std::string(prefix);
}

std::string indent_continuation(const std::string& value, const std::string& indent) {
  if (indent.empty()) return value;
  std::string out;
  out.reserve(value.size());
  for (std::size_t i = 0; i < value.size(); ++i) {
    out += value[i];
    // Indent the next line unless it is empty: no trailing blanks in output.
    if (value[i] == '\n' && i + 1 < value.size() && value[i + 1] != '\n') out += indent;
  }
  return out;
}

}  // namespace

std::string fill_template(std::string_view text, const TemplateValues& values, const std::string& origin) {
  std::string out;
  out.reserve(text.size() * 2);
  std::set<std::string> used;
  std::size_t pos = 0;
  for (;;) {
    const std::size_t open = text.find("{{", pos);
    if (open == std::string_view::npos) {
      out.append(text.substr(pos));
      break;
    }
    out.append(text.substr(pos, open - pos));
    const std::size_t close = text.find("}}", open + 2);
    const std::string where = origin + ":" + std::to_string(line_of(text, open));
    if (close == std::string_view::npos) throw TemplateError(where + ": '{{' without a closing '}}'");
    const std::string name(text.substr(open + 2, close - open - 2));
    bool valid = !name.empty();
    for (char c : name) valid = valid && is_name_char(c);
    if (!valid) throw TemplateError(where + ": placeholder {{" + name + "}} is not of the form {{A-Z0-9_}}");
    const auto it = values.find(name);
    if (it == values.end()) throw TemplateError(where + ": placeholder {{" + name + "}} has no value");
    used.insert(name);
    out += indent_continuation(it->second, leading_blanks(text, open));
    pos = close + 2;
  }
  for (const auto& [key, value] : values) {
    if (!used.contains(key)) throw TemplateError(origin + ": value for {{" + key + "}} given but the template never uses it");
  }
  return out;
}

std::string fill_template_file(const std::string& dir, const std::string& name, const TemplateValues& values) {
  const std::string path = dir.empty() ? name : dir + "/" + name;
  return fill_template(read_file_text(path), values, path);
}

}  // namespace lai::gen
