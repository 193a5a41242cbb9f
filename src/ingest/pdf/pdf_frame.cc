#include "ingest/pdf/pdf_frame.h"

#include <cstring>
#include <utility>

#include "base/crc32c.h"
#include "text/utf8.h"

namespace quarry::ingest {
namespace {

constexpr uint8_t kKindText = 0;
constexpr uint8_t kKindError = 1;

void PutU16(std::string* out, uint16_t v) {
  for (int i = 0; i < 2; ++i) out->push_back(static_cast<char>(v >> (8 * i)));
}
void PutU32(std::string* out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out->push_back(static_cast<char>(v >> (8 * i)));
}
void PutU64(std::string* out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out->push_back(static_cast<char>(v >> (8 * i)));
}
uint64_t GetLE(std::string_view s, size_t pos, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v |= uint64_t{static_cast<unsigned char>(s[pos + i])} << (8 * i);
  return v;
}

// Reads the payload of a text frame, front to back, refusing anything that
// does not fit.
class PayloadReader {
 public:
  explicit PayloadReader(std::string_view payload) : rest_(payload) {}
  bool ReadU32(uint32_t* v) {
    if (rest_.size() < 4) return false;
    *v = static_cast<uint32_t>(GetLE(rest_, 0, 4));
    rest_.remove_prefix(4);
    return true;
  }
  bool ReadBytes(uint32_t n, std::string_view* out) {
    if (rest_.size() < n) return false;
    *out = rest_.substr(0, n);
    rest_.remove_prefix(n);
    return true;
  }
  size_t left() const { return rest_.size(); }

 private:
  std::string_view rest_;
};

Status Malformed(const std::string& what) {
  return Status::Internal("malformed helper output: " + what);
}

// Cuts `s` to at most `max` bytes without splitting a code point.
std::string_view CutUtf8(std::string_view s, size_t max) {
  if (s.size() <= max) return s;
  size_t end = max;
  while (end > 0 && text::IsContinuationByte(s[end])) --end;
  return s.substr(0, end);
}

}  // namespace

uint64_t MaxPdfFrameSize(const PdfLimits& limits) {
  // Each code point takes at most 4 bytes; each page a 4-byte length.
  const uint64_t text =
      kPdfFrameHeaderSize + 8 + 4 * uint64_t{limits.max_pages} + 4 * limits.max_chars;
  const uint64_t error = kPdfFrameHeaderSize + 1 + kPdfFrameMaxMessage;
  return text > error ? text : error;
}

std::string EncodePdfFrame(const Result<PdfText>& outcome) {
  std::string payload;
  uint8_t kind;
  if (outcome.ok()) {
    kind = kKindText;
    const PdfText& t = outcome.value();
    PutU32(&payload, static_cast<uint32_t>(t.pages.size()));
    PutU32(&payload, static_cast<uint32_t>(t.title.size()));
    payload += t.title;
    for (const std::string& page : t.pages) {
      PutU32(&payload, static_cast<uint32_t>(page.size()));
      payload += page;
    }
  } else {
    kind = kKindError;
    payload.push_back(static_cast<char>(outcome.status().code()));
    payload += CutUtf8(text::SanitizeUtf8(outcome.status().message()), kPdfFrameMaxMessage);
  }
  std::string frame(kPdfFrameMagic, sizeof(kPdfFrameMagic));
  PutU16(&frame, kPdfFrameVersion);
  frame.push_back(static_cast<char>(kind));
  frame.push_back(0);
  PutU64(&frame, payload.size());
  uint32_t crc = crc32c::Value(frame);
  crc = crc32c::Extend(crc, payload.data(), payload.size());
  PutU32(&frame, crc);
  frame += payload;
  return frame;
}

Result<PdfText> DecodePdfFrame(std::string_view bytes, const PdfLimits& limits) {
  if (bytes.size() < kPdfFrameHeaderSize) {
    return Malformed("frame of " + std::to_string(bytes.size()) + " bytes is shorter than its " +
                     std::to_string(kPdfFrameHeaderSize) + "-byte header");
  }
  if (std::memcmp(bytes.data(), kPdfFrameMagic, sizeof(kPdfFrameMagic)) != 0) {
    return Malformed("bad magic");
  }
  const auto version = static_cast<uint16_t>(GetLE(bytes, 4, 2));
  if (version != kPdfFrameVersion) {
    return Malformed("frame version " + std::to_string(version) + ", expected " +
                     std::to_string(kPdfFrameVersion) + " (helper from another Quarry build?)");
  }
  const auto kind = static_cast<uint8_t>(bytes[6]);
  const uint64_t length = GetLE(bytes, 8, 8);
  if (length != bytes.size() - kPdfFrameHeaderSize) {
    return Malformed("payload length " + std::to_string(length) + " but " +
                     std::to_string(bytes.size() - kPdfFrameHeaderSize) + " bytes follow");
  }
  const std::string_view payload = bytes.substr(kPdfFrameHeaderSize);
  uint32_t crc = crc32c::Value(bytes.data(), 16);
  crc = crc32c::Extend(crc, payload.data(), payload.size());
  if (crc != static_cast<uint32_t>(GetLE(bytes, 16, 4))) return Malformed("checksum mismatch");

  if (kind == kKindError) {
    if (payload.empty()) return Malformed("empty error frame");
    const auto code = static_cast<uint8_t>(payload[0]);
    if (code == 0 || code > static_cast<uint8_t>(StatusCode::kNoSpace)) {
      return Malformed("unknown status code " + std::to_string(code));
    }
    std::string_view message = payload.substr(1);
    if (message.size() > kPdfFrameMaxMessage) return Malformed("error message too long");
    return Status(static_cast<StatusCode>(code), text::SanitizeUtf8(message));
  }
  if (kind != kKindText) return Malformed("unknown frame kind " + std::to_string(kind));

  PayloadReader reader(payload);
  uint32_t page_count = 0;
  uint32_t title_size = 0;
  std::string_view title;
  if (!reader.ReadU32(&page_count) || !reader.ReadU32(&title_size) ||
      !reader.ReadBytes(title_size, &title)) {
    return Malformed("truncated text header");
  }
  if (page_count > limits.max_pages) {
    return Malformed(std::to_string(page_count) + " pages, over the limit of " +
                     std::to_string(limits.max_pages));
  }
  if (page_count > reader.left() / 4) return Malformed("page count beyond the payload");
  PdfText out;
  uint64_t chars = 0;
  const auto accept = [&](std::string_view s, std::string* dest) {
    if (!text::IsValidUtf8(s) || s.find('\0') != std::string_view::npos) return false;
    chars += text::CountCodePoints(s);
    dest->assign(s);
    return true;
  };
  if (!accept(title, &out.title)) return Malformed("title is not valid UTF-8");
  out.pages.resize(page_count);
  for (uint32_t i = 0; i < page_count; ++i) {
    uint32_t size = 0;
    std::string_view page;
    if (!reader.ReadU32(&size) || !reader.ReadBytes(size, &page)) {
      return Malformed("page " + std::to_string(i + 1) + " truncated");
    }
    if (!accept(page, &out.pages[i])) {
      return Malformed("page " + std::to_string(i + 1) + " is not valid UTF-8");
    }
  }
  if (reader.left() != 0) return Malformed(std::to_string(reader.left()) + " trailing bytes");
  if (chars > limits.max_chars) {
    return Malformed(std::to_string(chars) + " characters, over the limit of " +
                     std::to_string(limits.max_chars));
  }
  return out;
}

}  // namespace quarry::ingest
