#include "ingest/pdf/test_pdfs.h"

#include <zlib.h>

#include <cstdlib>
#include <string>

namespace quarry::ingest::testing {
namespace {

// Numbers objects 1, 2, ... in the order they are added and writes the
// cross-reference table with their real offsets.
class PdfBuilder {
 public:
  int Reserve() { return static_cast<int>(++count_); }
  void Set(int id, const std::string& body) {
    if (static_cast<size_t>(id) > bodies_.size()) bodies_.resize(id);
    bodies_[id - 1] = body;
  }
  int Add(const std::string& body) {
    const int id = Reserve();
    Set(id, body);
    return id;
  }
  std::string Finish(int root, int info) {
    std::string out = "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n";
    std::vector<size_t> offsets;
    for (size_t i = 0; i < bodies_.size(); ++i) {
      offsets.push_back(out.size());
      out += std::to_string(i + 1) + " 0 obj\n" + bodies_[i] + "\nendobj\n";
    }
    const size_t xref = out.size();
    out += "xref\n0 " + std::to_string(bodies_.size() + 1) + "\n0000000000 65535 f \n";
    for (size_t off : offsets) {
      char line[24];
      std::snprintf(line, sizeof(line), "%010zu 00000 n \n", off);
      out += line;
    }
    out += "trailer\n<< /Size " + std::to_string(bodies_.size() + 1) + " /Root " +
           std::to_string(root) + " 0 R";
    if (info > 0) out += " /Info " + std::to_string(info) + " 0 R";
    out += " >>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
    return out;
  }

 private:
  size_t count_ = 0;
  std::vector<std::string> bodies_;
};

std::string Literal(const std::string& s) {
  std::string out = "(";
  for (char c : s) {
    if (c == '(' || c == ')' || c == '\\') out += '\\';
    out += c;
  }
  return out + ")";
}

std::string Stream(const std::string& data, const std::string& extra = "") {
  return "<< /Length " + std::to_string(data.size()) + extra + " >>\nstream\n" + data +
         "\nendstream";
}

// Pages with the given content-stream object ids, one font, a catalog.
std::string Assemble(PdfBuilder& b, const std::vector<int>& contents, const std::string& title) {
  const int font = b.Add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
  const int pages = b.Reserve();
  std::string kids;
  for (int content : contents) {
    const int page =
        b.Add("<< /Type /Page /Parent " + std::to_string(pages) +
              " 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 " + std::to_string(font) +
              " 0 R >> >> /Contents " + std::to_string(content) + " 0 R >>");
    kids += std::to_string(page) + " 0 R ";
  }
  b.Set(pages,
        "<< /Type /Pages /Kids [" + kids + "] /Count " + std::to_string(contents.size()) + " >>");
  const int catalog = b.Add("<< /Type /Catalog /Pages " + std::to_string(pages) + " 0 R >>");
  const int info = title.empty() ? 0 : b.Add("<< /Title " + Literal(title) + " >>");
  return b.Finish(catalog, info);
}

std::string TextContent(const std::string& line) {
  return "BT /F1 12 Tf 72 720 Td " + Literal(line) + " Tj ET";
}

// Deflates `n` bytes of `fill` after `prefix` and before `suffix`, in chunks.
std::string DeflateRepeated(const std::string& prefix, char fill, uint64_t n,
                            const std::string& suffix) {
  z_stream z{};
  if (deflateInit(&z, 9) != Z_OK) std::abort();  // test-only: no way to go on
  std::string out;
  char buf[1 << 16];
  const std::string chunk(1 << 20, fill);
  const auto feed = [&](const char* data, size_t size, int flush) {
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data));
    z.avail_in = static_cast<uInt>(size);
    do {
      z.next_out = reinterpret_cast<Bytef*>(buf);
      z.avail_out = sizeof(buf);
      deflate(&z, flush);
      out.append(buf, sizeof(buf) - z.avail_out);
    } while (z.avail_out == 0);
  };
  feed(prefix.data(), prefix.size(), Z_NO_FLUSH);
  for (uint64_t done = 0; done < n;) {
    const size_t part = static_cast<size_t>(std::min<uint64_t>(chunk.size(), n - done));
    feed(chunk.data(), part, Z_NO_FLUSH);
    done += part;
  }
  feed(suffix.data(), suffix.size(), Z_FINISH);
  deflateEnd(&z);
  return out;
}

}  // namespace

std::string SimplePdf(const std::vector<std::string>& pages, const std::string& title) {
  PdfBuilder b;
  std::vector<int> contents;
  for (const std::string& page : pages) contents.push_back(b.Add(Stream(TextContent(page))));
  return Assemble(b, contents, title);
}

std::string ManyPagePdf(uint32_t pages) {
  PdfBuilder b;
  const int content = b.Add(Stream(TextContent("Same page again")));
  return Assemble(b, std::vector<int>(pages, content), "Many pages");
}

std::string FlateBombPdf(uint64_t chunk_bytes, uint32_t repeats, bool text) {
  PdfBuilder b;
  const int chunk = b.Add(
      Stream(DeflateRepeated("", text ? 'A' : '\0', chunk_bytes, ""), " /Filter /FlateDecode"));
  std::string contents = "[";
  if (text) contents += std::to_string(b.Add(Stream("BT /F1 12 Tf 72 720 Td ("))) + " 0 R ";
  for (uint32_t i = 0; i < repeats; ++i) contents += std::to_string(chunk) + " 0 R ";
  if (text) contents += std::to_string(b.Add(Stream(") Tj ET"))) + " 0 R";
  contents += "]";
  // Assemble wants content object ids; an array object stands in for one.
  return Assemble(b, {b.Add(contents)}, "Bomb");
}

}  // namespace quarry::ingest::testing
