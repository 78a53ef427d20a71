// Stage 2: even out the lighting, then separate ink from paper.
#include "AreaReduce.hpp"
#include "Guard.hpp"
#include "Blank.hpp"
#include <algorithm>
#include <cstring>
#include <memory>
#include <vector>
#include <opencv2/imgproc.hpp>

namespace {

/// The running maximum (`Max`) or minimum down each column of `src` over 2r+1 rows, rows beyond the image
/// left out (OpenCV's border for morphology), by van Herk and Gil-Werman's method: three operations a pixel
/// whatever the window. The inner loops run along rows, so they vectorise.
template <bool Max>
void runningExtreme(const cv::Mat &src, cv::Mat &dst, int r) {
    const int rows = src.rows, cols = src.cols, k = 2 * r + 1, len = rows + 2 * r;
    const std::vector<uint8_t> pad((size_t)cols, Max ? 0 : 255);
    auto in = [&](int i) { return (i < r || i >= r + rows) ? pad.data() : src.ptr<uint8_t>(i - r); };
    auto op = [](uint8_t a, uint8_t b) { return Max ? std::max(a, b) : std::min(a, b); };
    // Blocks of k rows: g is the extreme from its block's start down to the row, h from the row to its end.
    std::unique_ptr<uint8_t[]> g(new uint8_t[(size_t)len * cols]), h(new uint8_t[(size_t)len * cols]);
    for (int i = 0; i < len; i++) {
        const uint8_t *a = in(i);
        uint8_t *o = &g[(size_t)i * cols];
        if (i % k == 0) std::copy(a, a + cols, o);
        else { const uint8_t *p = o - cols; for (int c = 0; c < cols; c++) o[c] = op(p[c], a[c]); }
    }
    for (int i = len - 1; i >= 0; i--) {
        const uint8_t *a = in(i);
        uint8_t *o = &h[(size_t)i * cols];
        if (i % k == k - 1 || i == len - 1) std::copy(a, a + cols, o);
        else { const uint8_t *n = o + cols; for (int c = 0; c < cols; c++) o[c] = op(n[c], a[c]); }
    }
    // The window of output row y is padded rows y ... y + k - 1: the end of one block and the start of the next.
    dst.create(rows, cols, CV_8UC1);
    for (int y = 0; y < rows; y++) {
        const uint8_t *a = &h[(size_t)y * cols], *b = &g[(size_t)(y + k - 1) * cols];
        uint8_t *o = dst.ptr<uint8_t>(y);
        for (int c = 0; c < cols; c++) o[c] = op(a[c], b[c]);
    }
}

/// A closing by a k x k square (k odd), the same as OpenCV's `morphologyEx(MORPH_CLOSE)` with its default
/// border, in time that does not grow with k. A square's dilation and erosion each run down the columns and
/// along the rows in either order, so the closing is: dilate down the columns; transpose; dilate and erode
/// along the rows (now columns); transpose back; erode down the columns.
void closeSquare(const cv::Mat &src, int k, cv::Mat &dst) {
    const int r = k / 2;
    cv::Mat a, b;
    runningExtreme<true>(src, a, r);
    cv::transpose(a, b);
    runningExtreme<true>(b, a, r);
    runningExtreme<false>(a, b, r);
    cv::transpose(b, a);
    runningExtreme<false>(a, dst, r);
}

}  // namespace

int32_t ds_even_lighting(const ds_image *gray, int32_t window, uint8_t *out, ds_error *err) {
    return ds::guarded(err, [&]() -> int32_t {
        cv::Mat g = ds::view(gray);
        if (!out || window < 1) return ds::fail(err, DS_ERR_ARGUMENT, "bad lighting arguments");
        // The paper is estimated on a copy of at most 256 pixels a side: it varies slowly.
        double s = std::min(1.0, 256.0 / std::max(g.cols, g.rows));
        cv::Mat small;
        if (s < 1) ds::areaReduce(g, cv::Size(std::max(1, (int)(g.cols * s)), std::max(1, (int)(g.rows * s))), small);
        else small = g;
        int k = std::max(3, (int)(window * s) | 1);
        cv::Mat paper;
        // Ink is dark and thin: a closing (max, then min over the same window) removes it and keeps the
        // paper's own edges where they are. A max alone would spread a brighter desk around the paper over
        // the paper's border, and dividing by that would turn the border into a band of "ink".
        closeSquare(small, k, paper);
        // Smoothed, but never above the closing itself: a blur would carry the brighter side of an edge over it.
        int b = std::max(3, (k / 3) | 1);
        cv::Mat smooth;
        cv::blur(paper, smooth, cv::Size(b, b));
        cv::min(paper, smooth, paper);
        cv::Mat full;
        if (s < 1) cv::resize(paper, full, g.size(), 0, 0, cv::INTER_LINEAR);
        else full = paper;
        cv::max(full, 1, full);
        cv::Mat dst(g.rows, g.cols, CV_8UC1, out);
        cv::divide(g, full, dst, 255.0);  // saturates at 255: paper brighter than its estimate is white
        return DS_OK;
    });
}

int32_t ds_otsu(const ds_image *gray, int32_t *level, ds_error *err) {
    return ds::guarded(err, [&]() -> int32_t {
        cv::Mat g = ds::view(gray), scratch;
        *level = (int32_t)cv::threshold(g, scratch, 0, 255, cv::THRESH_BINARY | cv::THRESH_OTSU);
        return DS_OK;
    });
}

int32_t ds_threshold_below(const ds_image *gray, int32_t level, uint8_t *out, ds_error *err) {
    return ds::guarded(err, [&]() -> int32_t {
        cv::Mat g = ds::view(gray);
        if (!out) return ds::fail(err, DS_ERR_ARGUMENT, "no output buffer");
        cv::Mat dst(g.rows, g.cols, CV_8UC1, out);
        cv::threshold(g, dst, level, 255, cv::THRESH_BINARY_INV);
        return DS_OK;
    });
}

namespace {

/// Hysteresis (see ds_threshold_hysteresis) into `out`; `lab` (CV_32S, the image's size) ends up labelling the
/// ink's components 1...count, in the order labelling the ink itself would give them (the weak mask's
/// components in the same scan order, those without a strong pixel left out).
int hysteresis(const cv::Mat &g, int strong, int weak, uint8_t *out, cv::Mat &lab) {
    cv::Mat dst(g.rows, g.cols, CV_8UC1, out), weakMask;
    cv::threshold(g, weakMask, std::max(strong, weak), 255, cv::THRESH_BINARY_INV);
    int n = cv::connectedComponents(weakMask, lab, 8, CV_32S);
    std::vector<int32_t> renumbered((size_t)n, 0);
    // Most of a page is paper, labelled 0: passed over eight labels at a time.
    for (int r = 0; r < g.rows; r++) {
        const uint8_t *p = g.ptr(r);
        const int32_t *l = lab.ptr<int32_t>(r);
        for (int c = 0; c < g.cols; c++) {
            while (c + 8 <= g.cols && ds::blank8(l + c)) c += 8;
            if (c < g.cols && p[c] <= strong && l[c] > 0) renumbered[(size_t)l[c]] = 1;
        }
    }
    int count = 0;
    for (int k = 1; k < n; k++) if (renumbered[(size_t)k]) renumbered[(size_t)k] = ++count;
    for (int r = 0; r < g.rows; r++) {
        int32_t *l = lab.ptr<int32_t>(r);
        uint8_t *o = dst.ptr(r);
        for (int c = 0; c < g.cols; c++) {
            while (c + 8 <= g.cols && ds::blank8(l + c)) { std::memset(o + c, 0, 8); c += 8; }
            if (c >= g.cols) break;
            int32_t k = l[c] > 0 ? renumbered[(size_t)l[c]] : 0;
            l[c] = k;
            o[c] = k ? 255 : 0;
        }
    }
    return count;
}

} // namespace

int32_t ds_threshold_hysteresis(const ds_image *gray, int32_t strong, int32_t weak, uint8_t *out, ds_error *err) {
    return ds::guarded(err, [&]() -> int32_t {
        cv::Mat g = ds::view(gray), labels;
        if (!out) return ds::fail(err, DS_ERR_ARGUMENT, "no output buffer");
        hysteresis(g, strong, weak, out, labels);
        return DS_OK;
    });
}

int32_t ds_threshold_hysteresis_labelled(const ds_image *gray, int32_t strong, int32_t weak, uint8_t *out, int32_t *labels,
                                         int32_t *count, ds_error *err) {
    return ds::guarded(err, [&]() -> int32_t {
        cv::Mat g = ds::view(gray);
        if (!out || !labels || !count) return ds::fail(err, DS_ERR_ARGUMENT, "no output buffer");
        cv::Mat lab(g.rows, g.cols, CV_32SC1, labels);
        *count = hysteresis(g, strong, weak, out, lab);
        return DS_OK;
    });
}

int32_t ds_close_square(const ds_image *gray, int32_t side, uint8_t *out, ds_error *err) {
    return ds::guarded(err, [&]() -> int32_t {
        cv::Mat g = ds::view(gray);
        if (!out || side < 1 || side % 2 == 0) return ds::fail(err, DS_ERR_ARGUMENT, "bad closing arguments");
        cv::Mat closed;
        closeSquare(g, side, closed);
        closed.copyTo(cv::Mat(g.rows, g.cols, CV_8UC1, out));
        return DS_OK;
    });
}
