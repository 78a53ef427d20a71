// OpenCV's image codecs, loaded the first time a file needs them. Debian's libopencv_imgcodecs brings GDAL,
// GDCM and some 140 other libraries with it, and loading them costs every run of the tool 50–100 ms; PNG and
// GIF, the formats of most scans, are decoded here without them.
#pragma once
#include <opencv2/core.hpp>
#include <string>
#include <vector>

namespace ds::codecs {

// Each throws std::runtime_error, naming the library, when it cannot be loaded.
cv::Mat imdecode(cv::InputArray buffer, int flags);
size_t imcount(const std::string &filename, int flags);
bool imreadmulti(const std::string &filename, std::vector<cv::Mat> &mats, int start, int count, int flags);
bool imencode(const std::string &ext, cv::InputArray image, std::vector<uchar> &buffer, const std::vector<int> &params);
bool imwrite(const std::string &filename, cv::InputArray image, const std::vector<int> &params = {});

} // namespace ds::codecs
