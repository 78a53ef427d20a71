// Stage 2: even out the lighting, then separate ink from paper.
#include "Guard.hpp"
#include <algorithm>
#include <vector>
#include <opencv2/imgproc.hpp>

int32_t ds_even_lighting(const ds_image *gray, int32_t window, uint8_t *out, ds_error *err) {
    return ds::guarded(err, [&]() -> int32_t {
        cv::Mat g = ds::view(gray);
        if (!out || window < 1) return ds::fail(err, DS_ERR_ARGUMENT, "bad lighting arguments");
        // The paper is estimated on a copy of at most 256 pixels a side: it varies slowly.
        double s = std::min(1.0, 256.0 / std::max(g.cols, g.rows));
        cv::Mat small;
        if (s < 1) cv::resize(g, small, cv::Size(std::max(1, (int)(g.cols * s)), std::max(1, (int)(g.rows * s))), 0, 0, cv::INTER_AREA);
        else small = g;
        int k = std::max(3, (int)(window * s) | 1);
        cv::Mat paper;
        // Ink is dark and thin: a closing (max, then min over the same window) removes it and keeps the
        // paper's own edges where they are. A max alone would spread a brighter desk around the paper over
        // the paper's border, and dividing by that would turn the border into a band of "ink".
        cv::morphologyEx(small, paper, cv::MORPH_CLOSE, cv::getStructuringElement(cv::MORPH_RECT, cv::Size(k, k)));
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

int32_t ds_threshold_hysteresis(const ds_image *gray, int32_t strong, int32_t weak, uint8_t *out, ds_error *err) {
    return ds::guarded(err, [&]() -> int32_t {
        cv::Mat g = ds::view(gray);
        if (!out) return ds::fail(err, DS_ERR_ARGUMENT, "no output buffer");
        cv::Mat dst(g.rows, g.cols, CV_8UC1, out), weakMask, labels;
        cv::threshold(g, weakMask, std::max(strong, weak), 255, cv::THRESH_BINARY_INV);
        int n = cv::connectedComponents(weakMask, labels, 8, CV_32S);
        std::vector<uint8_t> anchored((size_t)n, 0);
        for (int r = 0; r < g.rows; r++) {
            const uint8_t *p = g.ptr(r);
            const int32_t *l = labels.ptr<int32_t>(r);
            for (int c = 0; c < g.cols; c++)
                if (p[c] <= strong && l[c] > 0) anchored[(size_t)l[c]] = 1;
        }
        for (int r = 0; r < g.rows; r++) {
            const int32_t *l = labels.ptr<int32_t>(r);
            uint8_t *o = dst.ptr(r);
            for (int c = 0; c < g.cols; c++) o[c] = (l[c] > 0 && anchored[(size_t)l[c]]) ? 255 : 0;
        }
        return DS_OK;
    });
}
