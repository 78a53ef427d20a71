// The shim's own decoder for the common PNG (see PNG.cpp).
#pragma once
#include <cstddef>
#include <cstdint>
#include <opencv2/core.hpp>

namespace ds {

// Decodes an 8-bit, non-interlaced gray, gray+alpha, RGB or RGBA PNG without transparency chunk into what
// cv::imdecode(IMREAD_UNCHANGED) gives (BGR order). Returns false, touching nothing, for any other file,
// damaged ones included: the caller then hands it to OpenCV.
bool decodeSimplePNG(const uint8_t *bytes, size_t count, cv::Mat &out);

// The same for a gray one, straight into width x height bytes from malloc (the caller frees them): no copy
// of the picture but the inflater's. nullptr for any other file, colour PNGs included.
uint8_t *decodeSimpleGrayPNG(const uint8_t *bytes, size_t count, int32_t &width, int32_t &height);

} // namespace ds
