// Rotation (deskew, page turns) and resizing.
#include "AreaReduce.hpp"
#include "Guard.hpp"
#include <cmath>
#include <opencv2/imgproc.hpp>

int32_t ds_rotate(const ds_image *src, double degrees, uint8_t fill, int32_t nearest, ds_image *out, ds_error *err) {
    return ds::guarded(err, [&]() -> int32_t {
        cv::Mat s = ds::view(src);
        cv::Point2f c((s.cols - 1) / 2.0f, (s.rows - 1) / 2.0f);
        cv::Mat m = cv::getRotationMatrix2D(c, degrees, 1.0);
        double a = std::abs(degrees) * CV_PI / 180.0;
        int w = (int)std::lround(s.cols * std::abs(std::cos(a)) + s.rows * std::abs(std::sin(a)));
        int h = (int)std::lround(s.cols * std::abs(std::sin(a)) + s.rows * std::abs(std::cos(a)));
        m.at<double>(0, 2) += (w - 1) / 2.0 - c.x;
        m.at<double>(1, 2) += (h - 1) / 2.0 - c.y;
        cv::Mat d;
        cv::warpAffine(s, d, m, cv::Size(w, h), nearest ? cv::INTER_NEAREST : cv::INTER_LINEAR, cv::BORDER_CONSTANT,
                       cv::Scalar(fill));
        return ds::give(d, out, err);
    });
}

void ds::areaReduce(const cv::Mat &src, cv::Size size, cv::Mat &dst) {
    int f = 1;
    while (src.cols / (2 * f) >= size.width && src.rows / (2 * f) >= size.height) f *= 2;
    cv::Mat blocks = src;
    if (f > 1) {
        cv::resize(src(cv::Rect(0, 0, src.cols / f * f, src.rows / f * f)), blocks, cv::Size(src.cols / f, src.rows / f), 0, 0,
                   cv::INTER_AREA);
    }
    cv::resize(blocks, dst, size, 0, 0, cv::INTER_AREA);
}

int32_t ds_resize(const ds_image *src, int32_t width, int32_t height, int32_t bilinear, ds_image *out, ds_error *err) {
    return ds::guarded(err, [&]() -> int32_t {
        cv::Mat s = ds::view(src), d;
        if (width <= 0 || height <= 0) return ds::fail(err, DS_ERR_ARGUMENT, "bad size");
        bool shrink = width < s.cols || height < s.rows;
        if (shrink && !bilinear && width <= s.cols && height <= s.rows) ds::areaReduce(s, cv::Size(width, height), d);
        else cv::resize(s, d, cv::Size(width, height), 0, 0, shrink && !bilinear ? cv::INTER_AREA : cv::INTER_LINEAR);
        return ds::give(d, out, err);
    });
}

int32_t ds_shrink(const ds_image *src, int32_t factor, ds_image *out, ds_error *err) {
    return ds::guarded(err, [&]() -> int32_t {
        cv::Mat s = ds::view(src), d;
        if (factor < 1 || factor > s.cols || factor > s.rows) return ds::fail(err, DS_ERR_ARGUMENT, "bad shrink factor");
        int w = s.cols / factor, h = s.rows / factor;
        // An exact multiple of the factor takes OpenCV's fast path for whole-number area averaging.
        cv::resize(s(cv::Rect(0, 0, w * factor, h * factor)), d, cv::Size(w, h), 0, 0, cv::INTER_AREA);
        return ds::give(d, out, err);
    });
}
