#include "ingest/html_charset.h"

#include <gtest/gtest.h>

#include <string>

namespace quarry::ingest {
namespace {

TEST(HtmlCharsetTest, MetaCharsetAttribute) {
  EXPECT_EQ(SniffHtmlEncoding("<meta charset=\"ISO-8859-1\">"), TextEncoding::kWindows1252);
  EXPECT_EQ(SniffHtmlEncoding("<META CHARSET='latin1'/>"), TextEncoding::kWindows1252);
  EXPECT_EQ(SniffHtmlEncoding("<meta charset=utf-8>"), TextEncoding::kUtf8);
  EXPECT_EQ(SniffHtmlEncoding("<!doctype html><html lang=en><head>\n  <meta  charset = cp1252 >"),
            TextEncoding::kWindows1252);
}

TEST(HtmlCharsetTest, HttpEquivContentType) {
  EXPECT_EQ(SniffHtmlEncoding("<meta http-equiv=\"Content-Type\" "
                              "content=\"text/html; charset=windows-1252\">"),
            TextEncoding::kWindows1252);
  EXPECT_EQ(SniffHtmlEncoding("<meta content='text/html;charset=\"latin1\"' "
                              "http-equiv=content-type>"),
            TextEncoding::kWindows1252);
  // content without http-equiv says nothing about the encoding.
  EXPECT_EQ(SniffHtmlEncoding("<meta name=x content=\"charset=latin1\">"), std::nullopt);
}

TEST(HtmlCharsetTest, WhatIsNotADeclaration) {
  EXPECT_EQ(SniffHtmlEncoding("<p>no meta here</p>"), std::nullopt);
  EXPECT_EQ(SniffHtmlEncoding("<!-- <meta charset=latin1> --><p>x"), std::nullopt);
  EXPECT_EQ(SniffHtmlEncoding("<div title='<meta charset=latin1>'>"), std::nullopt);
  EXPECT_EQ(SniffHtmlEncoding("<metadata charset=latin1>"), std::nullopt);
  EXPECT_EQ(SniffHtmlEncoding("<meta charset=shift_jis>"), std::nullopt);  // not decoded
  // Past the first 1024 bytes nothing counts, as in browsers.
  EXPECT_EQ(SniffHtmlEncoding(std::string(1100, ' ') + "<meta charset=latin1>"), std::nullopt);
  // A meta declaring UTF-16 means UTF-8.
  EXPECT_EQ(SniffHtmlEncoding("<meta charset=utf-16>"), TextEncoding::kUtf8);
  // The first recognised declaration wins.
  EXPECT_EQ(SniffHtmlEncoding("<meta charset=bogus><meta charset=latin1><meta charset=utf-8>"),
            TextEncoding::kWindows1252);
}

TEST(HtmlCharsetTest, TruncatedAndHostileInputDoesNotCrash) {
  for (const char* s :
       {"<", "<meta", "<meta ", "<meta charset", "<meta charset=", "<meta charset='", "<!--", "<!",
        "</", "<a href='", "<meta =x charset=latin1>", "<<<<>>>>"}) {
    (void)SniffHtmlEncoding(s);
  }
  EXPECT_EQ(SniffHtmlEncoding("<meta =x charset=latin1>"), TextEncoding::kWindows1252);
}

}  // namespace
}  // namespace quarry::ingest
