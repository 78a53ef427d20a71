// The shim's own decoder for JPEG (see JPEG.cpp).
#pragma once
#include <cstddef>
#include <cstdint>
#include <opencv2/core.hpp>
#include <vector>

namespace ds {

// Decodes a JPEG straight to 8-bit gray with libjpeg-turbo, at 1/`reduce` of its size (1, 2, 4 or 8, in the
// DCT domain), with its EXIF orientation applied as cv::imdecode applies it. Returns false, touching nothing,
// for anything it does not decode cleanly (CMYK, damaged data): the caller then hands the file to OpenCV.
bool decodeJPEGGray(const uint8_t *bytes, size_t count, int reduce, cv::Mat &out);

// Encodes 8-bit gray pixels as a baseline JPEG of `quality` (1–100) into `out`; false on an error.
bool encodeJPEGGray(const uint8_t *pixels, int width, int height, int quality, std::vector<uint8_t> &out);

} // namespace ds
