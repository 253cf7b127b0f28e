// Scheme references ("FILE[:ENTRY]") and dispatch to the reader of each format.
#include <algorithm>
#include <cctype>
#include <filesystem>

#include "lai_gen/error.hpp"
#include "lai_gen/readers.hpp"

namespace lai::gen {

SchemeRef parse_scheme_ref(std::string_view text) {
  // The last ':' has the shortest suffix, so if that suffix contains '/' every
  // earlier one does too: splitting at the last ':' iff its suffix has no '/'
  // is the documented rule, and "dir:with:colons/file.json" stays a path.
  SchemeRef ref;
  const std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || text.substr(colon + 1).find('/') != std::string_view::npos) {
    ref.path = std::string(text);
    return ref;
  }
  ref.path = std::string(text.substr(0, colon));
  ref.entry = std::string(text.substr(colon + 1));
  return ref;
}

namespace {

std::string lower_extension(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext;
}

}  // namespace

Scheme load_scheme(const SchemeRef& ref) {
  if (ref.path.empty()) throw InputError("'" + ref.display() + "': empty scheme file name");
  const std::string ext = lower_extension(ref.path);
  auto no_entry = [&](const char* format) {
    if (!ref.entry.empty())
      throw InputError(ref.display() + ": a " + format + " file holds one scheme; remove the ':" + ref.entry + "' entry");
  };
  if (ext == ".json") {
    no_entry("JSON");
    return read_json_scheme_file(ref.path);
  }
  if (ext == ".npz") {
    if (ref.entry.empty()) {
      const auto entries = list_npz_entries(ref.path);
      std::string list;
      for (std::size_t i = 0; i < entries.size(); ++i) list += (i ? " " : "") + entries[i];
      throw InputError(ref.path + ": an .npz holds several schemes; name one as " + ref.path +
                       ":ENTRY, entries: " + (list.empty() ? "(none)" : list));
    }
    return read_npz_scheme(ref.path, ref.entry);
  }
  std::error_code ec;
  if (ext == ".sms" || std::filesystem::exists(ref.path + "_L.sms", ec)) {
    no_entry("PLinOpt .sms");
    return read_sms_triple(ref.path);
  }
  throw InputError(ref.display() + ": unknown scheme format (extension '" + ext +
                   "'): expected .json, .npz:ENTRY, a PLinOpt *_L.sms/_R.sms/_P.sms file or their common prefix");
}

}  // namespace lai::gen
