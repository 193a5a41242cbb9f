#include "ingest/html_extract.h"

#include <gumbo.h>

#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "ingest/html_charset.h"
#include "ingest/html_nesting.h"
#include "ingest/text_decode.h"
#include "text/utf8.h"
#include "text/whitespace.h"

namespace quarry::ingest {
namespace {

bool IsHtmlSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

// What separates the text before an element boundary from the text after it.
enum class Gap { kNone, kSpace, kLine, kParagraph };

Gap GapAround(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_P: case GUMBO_TAG_H1: case GUMBO_TAG_H2: case GUMBO_TAG_H3:
    case GUMBO_TAG_H4: case GUMBO_TAG_H5: case GUMBO_TAG_H6: case GUMBO_TAG_PRE:
    case GUMBO_TAG_LISTING: case GUMBO_TAG_BLOCKQUOTE: case GUMBO_TAG_UL: case GUMBO_TAG_OL:
    case GUMBO_TAG_DL: case GUMBO_TAG_TABLE: case GUMBO_TAG_FIGURE: case GUMBO_TAG_HR:
    case GUMBO_TAG_SECTION: case GUMBO_TAG_ARTICLE: case GUMBO_TAG_ASIDE: case GUMBO_TAG_NAV:
    case GUMBO_TAG_HEADER: case GUMBO_TAG_FOOTER: case GUMBO_TAG_MAIN: case GUMBO_TAG_ADDRESS:
    case GUMBO_TAG_FIELDSET: case GUMBO_TAG_FORM: case GUMBO_TAG_DETAILS: case GUMBO_TAG_MENU:
      return Gap::kParagraph;
    case GUMBO_TAG_DIV: case GUMBO_TAG_LI: case GUMBO_TAG_DT: case GUMBO_TAG_DD:
    case GUMBO_TAG_TR: case GUMBO_TAG_CAPTION: case GUMBO_TAG_FIGCAPTION: case GUMBO_TAG_BR:
    case GUMBO_TAG_SUMMARY: case GUMBO_TAG_LEGEND: case GUMBO_TAG_OPTION:
    case GUMBO_TAG_TEXTAREA: case GUMBO_TAG_CENTER: case GUMBO_TAG_BODY: case GUMBO_TAG_HGROUP:
      return Gap::kLine;
    case GUMBO_TAG_TD: case GUMBO_TAG_TH: case GUMBO_TAG_IMG:
      return Gap::kSpace;
    default:
      return Gap::kNone;
  }
}

bool IsHidden(GumboTag tag) {
  return tag == GUMBO_TAG_HEAD || tag == GUMBO_TAG_SCRIPT || tag == GUMBO_TAG_STYLE ||
         tag == GUMBO_TAG_NOSCRIPT || tag == GUMBO_TAG_TEMPLATE || tag == GUMBO_TAG_TITLE;
}

bool IsPreformatted(GumboTag tag) {
  return tag == GUMBO_TAG_PRE || tag == GUMBO_TAG_LISTING || tag == GUMBO_TAG_TEXTAREA;
}

int HeadingLevel(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_H1: return 1;
    case GUMBO_TAG_H2: return 2;
    case GUMBO_TAG_H3: return 3;
    case GUMBO_TAG_H4: return 4;
    case GUMBO_TAG_H5: return 5;
    case GUMBO_TAG_H6: return 6;
    default: return 0;
  }
}

// Collapses runs of HTML white space in `s` to one space, trimmed.
std::string CollapseSpace(std::string_view s) {
  std::string out;
  bool space = false;
  for (const char c : s) {
    if (IsHtmlSpace(c)) {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

// The concatenated text of the text children of `node`.
std::string ChildText(const GumboNode* node) {
  std::string text;
  const GumboVector& children = node->v.element.children;
  for (unsigned i = 0; i < children.length; ++i) {
    const auto* child = static_cast<const GumboNode*>(children.data[i]);
    if (child->type == GUMBO_NODE_TEXT || child->type == GUMBO_NODE_WHITESPACE) {
      text += child->v.text.text;
    }
  }
  return text;
}

// Builds the extracted text, its sections and its title while the tree is walked.
class TextBuilder {
 public:
  explicit TextBuilder(uint64_t max_chars) : max_chars_(max_chars) {}

  void AddGap(Gap gap) { pending_ = std::max(pending_, gap); }

  // Text of a text node: collapsed, or kept as it is inside <pre>.
  void AddText(std::string_view s, bool preformatted) {
    // gumbo 0.10.1 turns a numeric character reference past 32 bits (&#xFFFFFFF1;)
    // into a lone byte: its text is not always UTF-8.
    std::string repaired;
    if (!text::IsValidUtf8(s)) {
      repaired = text::SanitizeUtf8(s);
      s = repaired;
    }
    if (preformatted) {
      if (s.empty()) return;
      BeginWrite();
      for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\r') {
          if (i + 1 < s.size() && s[i + 1] == '\n') continue;
          Put('\n');
        } else {
          Put(s[i]);
        }
      }
      return;
    }
    size_t i = 0;
    while (i < s.size()) {
      if (IsHtmlSpace(s[i])) {
        AddGap(Gap::kSpace);
        ++i;
        continue;
      }
      size_t end = i;
      while (end < s.size() && !IsHtmlSpace(s[end])) ++end;
      BeginWrite();
      for (; i < end; ++i) Put(s[i]);
    }
  }

  void OpenHeading(const GumboNode* node, int level) {
    if (heading_ != nullptr) return;  // a heading inside a heading is part of it
    AddGap(Gap::kParagraph);
    heading_ = node;
    heading_level_ = level;
    heading_begin_ = std::string::npos;
  }

  void CloseHeading(const GumboNode* node) {
    if (node != heading_) return;
    heading_ = nullptr;
    if (heading_begin_ == std::string::npos) return;  // no text: no section
    std::string heading = CollapseSpace(std::string_view(out_).substr(heading_begin_));
    if (heading_level_ == 1 && first_h1_.empty()) first_h1_ = heading;
    StartSection(static_cast<uint32_t>(heading_begin_), heading_level_, std::move(heading));
  }

  bool exhausted() const { return chars_ > max_chars_; }

  // The text and its sections. REQUIRES: the walk is over.
  void Finish(ExtractedDocument* doc) {
    if (sections_.empty()) {
      if (!text::IsBlank(out_)) sections_.push_back({0, 0, "", 0});
    }
    if (!sections_.empty()) sections_.back().byte_end = static_cast<uint32_t>(out_.size());
    doc->text = std::move(out_);
    doc->sections = std::move(sections_);
    if (doc->title.empty()) doc->title = std::move(first_h1_);
  }

 private:
  // Writes the pending gap before the next character, and marks where a
  // heading's text begins.
  void BeginWrite() {
    if (!out_.empty()) {
      switch (pending_) {
        case Gap::kNone: break;
        case Gap::kSpace: Put(' '); break;
        case Gap::kLine: Put('\n'); break;
        case Gap::kParagraph: Put('\n'); Put('\n'); break;
      }
    }
    pending_ = Gap::kNone;
    if (heading_ != nullptr && heading_begin_ == std::string::npos) heading_begin_ = out_.size();
  }

  void Put(char c) {
    if (!text::IsContinuationByte(c)) ++chars_;
    out_ += c;
  }

  void StartSection(uint32_t begin, int level, std::string heading) {
    if (!sections_.empty()) {
      sections_.back().byte_end = begin;
    } else if (begin > 0) {
      sections_.push_back({0, begin, "", 0});
    }
    while (!path_.empty() && path_.back().first >= level) path_.pop_back();
    path_.emplace_back(level, std::move(heading));
    std::string joined;
    for (const auto& [_, text] : path_) {
      if (!joined.empty()) joined += " > ";
      joined += text;
    }
    sections_.push_back({begin, begin, std::move(joined), 0});
  }

  uint64_t max_chars_;
  uint64_t chars_ = 0;
  std::string out_;
  Gap pending_ = Gap::kNone;
  const GumboNode* heading_ = nullptr;  // the open heading element, if any
  int heading_level_ = 0;
  size_t heading_begin_ = std::string::npos;
  std::string first_h1_;
  std::vector<std::pair<int, std::string>> path_;  // enclosing headings: level, text
  std::vector<DocumentSection> sections_;
};

Status TextTooLong(const HtmlOptions& options) {
  return Status::ResourceExhausted("HTML text is over the limit of " +
                                   std::to_string(options.max_text_chars) + " characters");
}

struct GumboOutputDeleter {
  void operator()(GumboOutput* output) const {
    gumbo_destroy_output(&kGumboDefaultOptions, output);
  }
};

// Walks the tree depth-first with an explicit stack: no recursion, whatever
// the depth gumbo built.
Status Walk(const GumboNode* root, const HtmlOptions& options, TextBuilder* builder,
            std::string* title) {
  struct Frame {
    const GumboNode* node;
    unsigned next_child;
  };
  std::vector<Frame> stack{{root, 0}};
  int preformatted = 0;  // open <pre>-like elements
  while (!stack.empty()) {
    if (builder->exhausted()) return TextTooLong(options);
    Frame& frame = stack.back();
    const GumboNode* node = frame.node;
    if (node->type == GUMBO_NODE_TEXT || node->type == GUMBO_NODE_CDATA ||
        node->type == GUMBO_NODE_WHITESPACE) {
      builder->AddText(node->v.text.text, preformatted > 0);
      stack.pop_back();
      continue;
    }
    if (node->type == GUMBO_NODE_COMMENT) {
      stack.pop_back();
      continue;
    }
    const GumboVector& children =
        node->type == GUMBO_NODE_DOCUMENT ? node->v.document.children : node->v.element.children;
    const bool element = node->type == GUMBO_NODE_ELEMENT || node->type == GUMBO_NODE_TEMPLATE;
    const GumboTag tag = element ? node->v.element.tag : GUMBO_TAG_UNKNOWN;
    if (frame.next_child == 0 && element) {  // entering
      // An <svg> or <math> title is not the page's.
      const bool html_title =
          tag == GUMBO_TAG_TITLE && node->v.element.tag_namespace == GUMBO_NAMESPACE_HTML;
      if (tag == GUMBO_TAG_HEAD || html_title) {
        // The title is <title>'s text; head's other children are not text.
        const GumboNode* title_node = node;
        if (tag == GUMBO_TAG_HEAD) {
          title_node = nullptr;
          for (unsigned i = 0; i < children.length && title_node == nullptr; ++i) {
            const auto* child = static_cast<const GumboNode*>(children.data[i]);
            if (child->type == GUMBO_NODE_ELEMENT && child->v.element.tag == GUMBO_TAG_TITLE) {
              title_node = child;
            }
          }
        }
        if (title_node != nullptr && title->empty()) {
          *title = text::SanitizeUtf8(CollapseSpace(ChildText(title_node)));
        }
      }
      if (node->type == GUMBO_NODE_TEMPLATE || IsHidden(tag)) {
        stack.pop_back();
        continue;
      }
      builder->AddGap(GapAround(tag));
      if (const int level = HeadingLevel(tag)) builder->OpenHeading(node, level);
      if (IsPreformatted(tag)) ++preformatted;
      if (tag == GUMBO_TAG_IMG && options.image_alt_text) {
        if (const GumboAttribute* alt = gumbo_get_attribute(&node->v.element.attributes, "alt")) {
          builder->AddText(alt->value, false);
          builder->AddGap(Gap::kSpace);
        }
      }
    }
    if (frame.next_child < children.length) {
      const auto* child = static_cast<const GumboNode*>(children.data[frame.next_child++]);
      stack.push_back({child, 0});  // invalidates `frame`
      continue;
    }
    if (element) {  // leaving
      if (IsPreformatted(tag)) --preformatted;
      builder->CloseHeading(node);
      builder->AddGap(GapAround(tag));
    }
    stack.pop_back();
  }
  return Status::Ok();
}

}  // namespace

Result<ExtractedDocument> ExtractHtml(std::string_view bytes, const HtmlOptions& options) {
  if (bytes.size() > options.max_input_bytes) {
    return Status::ResourceExhausted("HTML is " + std::to_string(bytes.size()) +
                                     " bytes, over the limit of " +
                                     std::to_string(options.max_input_bytes) + " bytes");
  }
  // A BOM wins over a <meta charset>; without either, UTF-8.
  const std::string html =
      DecodeTextBytes(bytes, SniffHtmlEncoding(bytes).value_or(TextEncoding::kUtf8));
  if (EstimateHtmlNesting(html, options.max_depth) > options.max_depth) {
    return Status::ResourceExhausted("HTML elements nest deeper than the limit of " +
                                     std::to_string(options.max_depth) + " levels");
  }
  GumboOptions gumbo_options = kGumboDefaultOptions;
  gumbo_options.max_errors = 0;  // recording parse errors costs time; they are not used
  const std::unique_ptr<GumboOutput, GumboOutputDeleter> output(
      gumbo_parse_with_options(&gumbo_options, html.data(), html.size()));
  if (output == nullptr) return Status::Internal("the HTML parser returned no tree");

  ExtractedDocument doc;
  doc.media_type = kMediaTypeHtml;
  TextBuilder builder(options.max_text_chars);
  QUARRY_RETURN_IF_ERROR(Walk(output->document, options, &builder, &doc.title));
  if (builder.exhausted()) return TextTooLong(options);
  builder.Finish(&doc);
  return doc;
}

}  // namespace quarry::ingest
