// Stage 6: one digit → an MNIST-style sample (fit in a 20x20 box keeping aspect ratio, anti-aliased,
// centre of mass at the centre of 28x28, ink bright on black, gray levels kept).
#include "Guard.hpp"
#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>
#include <unordered_set>
#include <vector>

namespace {

// Stroke width of a binary mask: area / half the count of 4-neighbour ink/paper transitions.
double strokeWidth(const cv::Mat &mask) {
    long area = 0, edges = 0;
    for (int r = 0; r < mask.rows; r++) {
        const uint8_t *p = mask.ptr(r), *below = r + 1 < mask.rows ? mask.ptr(r + 1) : nullptr;
        for (int c = 0; c < mask.cols; c++) {
            bool in = p[c] != 0;
            area += in;
            if (c + 1 < mask.cols && in != (p[c + 1] != 0)) edges++;
            if (below && in != (below[c] != 0)) edges++;
            if (in && (c == 0 || c + 1 == mask.cols)) edges++;
            if (in && (r == 0 || r + 1 == mask.rows)) edges++;
        }
    }
    return edges ? 2.0 * area / edges : 0;
}

// The bounding box of the pixels of a float image above `level` (empty when there are none).
cv::Rect inkBounds(const cv::Mat &ink, float level) {
    int x0 = ink.cols, y0 = ink.rows, x1 = -1, y1 = -1;
    for (int r = 0; r < ink.rows; r++) {
        const float *p = ink.ptr<float>(r);
        int first = -1, last = -1;
        for (int c = 0; c < ink.cols; c++) if (p[c] > level) { if (first < 0) first = c; last = c; }
        if (first < 0) continue;
        x0 = std::min(x0, first); x1 = std::max(x1, last);
        y0 = std::min(y0, r); y1 = r;
    }
    return x1 < 0 ? cv::Rect() : cv::Rect(x0, y0, x1 - x0 + 1, y1 - y0 + 1);
}

} // namespace

int32_t ds_normalize_digit(const ds_image *lit, const int32_t *labels, int32_t x, int32_t y, int32_t w, int32_t h,
                           const int32_t *labels_wanted, int32_t wanted_count, const ds_digit_options *o, float *out,
                           double *stroke_found, ds_error *err) {
    return ds::guarded(err, [&]() -> int32_t {
        cv::Mat L = ds::view(lit);
        if (!labels || !o || !out || w <= 0 || h <= 0 || x < 0 || y < 0 || x + w > L.cols || y + h > L.rows ||
            o->box < 1 || o->size < o->box)
            return ds::fail(err, DS_ERR_ARGUMENT, "bad digit arguments");
        int pad = std::max(2, std::max(w, h) / 10);
        cv::Rect R(std::max(0, x - pad), std::max(0, y - pad), 0, 0);
        R.width = std::min(L.cols, x + w + pad) - R.x;
        R.height = std::min(L.rows, y + h + pad) - R.y;
        std::unordered_set<int32_t> wanted(labels_wanted, labels_wanted + std::max(0, wanted_count));
        // Most marks are one component: its label compared outright (0: look each label up).
        const int32_t only = wanted_count == 1 ? labels_wanted[0] : 0;

        // Core mask: the digit's own components. Soft mask: grown by 2 px into paper (anti-aliased edges),
        // never into another component.
        cv::Mat core(R.height, R.width, CV_8UC1), foreign(R.height, R.width, CV_8UC1);
        for (int r = 0; r < R.height; r++) {
            const int32_t *lab = labels + (size_t)(R.y + r) * L.cols + R.x;
            uint8_t *c = core.ptr(r), *f = foreign.ptr(r);
            for (int k = 0; k < R.width; k++) {
                bool ours = lab[k] != 0 && (lab[k] == only || (only == 0 && wanted.count(lab[k])));
                bool clipped = o->clip_x1 > o->clip_x0 && (R.x + k < o->clip_x0 || R.x + k >= o->clip_x1);
                bool mine = ours && !clipped;
                c[k] = mine ? 255 : 0;
                f[k] = (lab[k] != 0 && !mine) ? 255 : 0;
            }
        }
        cv::Mat soft;
        cv::dilate(core, soft, cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(5, 5)));
        soft.setTo(0, foreign);

        cv::Mat ink;
        L(R).convertTo(ink, CV_32F, -1.0 / 255.0, 1.0);  // paper 0, ink up to 1
        ink.setTo(0, soft == 0);
        // A large digit is first brought down to at most 96 pixels a side (area averaging keeps thin strokes
        // as gray): everything after works on a few thousand pixels, and the sample has 20.
        double pre = 96.0 / std::max(R.width, R.height);
        if (pre < 1) {
            cv::Size size(std::max(1, (int)std::lround(R.width * pre)), std::max(1, (int)std::lround(R.height * pre)));
            cv::resize(ink, ink, size, 0, 0, cv::INTER_AREA);
            cv::Mat coreF;
            core.convertTo(coreF, CV_32F, 1.0 / 255.0);
            cv::resize(coreF, coreF, size, 0, 0, cv::INTER_AREA);
            core = coreF > 0.0f;
        }
        // Contrast: the darkest ink (95th percentile over the core) becomes full intensity, as in MNIST.
        std::vector<float> v;
        for (int r = 0; r < core.rows; r++)
            for (int k = 0; k < core.cols; k++)
                if (core.at<uint8_t>(r, k)) v.push_back(ink.at<float>(r, k));
        if (v.empty()) return ds::fail(err, DS_ERR_ARGUMENT, "digit has no ink");
        std::nth_element(v.begin(), v.begin() + (long)(v.size() * 0.95), v.end());
        float top = std::max(0.15f, v[(size_t)(v.size() * 0.95)]);
        ink = cv::min(ink / top, 1.0);
        double stroke = strokeWidth(core);
        if (stroke_found) *stroke_found = pre < 1 ? stroke / pre : stroke;

        if (o->deslant) {
            cv::Moments m = cv::moments(ink);
            if (std::abs(m.mu02) > 1e-2 * m.m00) {
                double skew = m.mu11 / m.mu02;
                skew = std::max(-1.0, std::min(1.0, skew));
                int extra = (int)std::ceil(std::abs(skew) * ink.rows);
                cv::Mat M = (cv::Mat_<double>(2, 3) << 1, skew, -skew * m.m01 / m.m00 + extra / 2.0, 0, 1, 0);
                cv::Mat d;
                cv::warpAffine(ink, d, M, cv::Size(ink.cols + extra, ink.rows), cv::INTER_LINEAR, cv::BORDER_CONSTANT, 0);
                ink = d;
            }
        }

        cv::Rect b = inkBounds(ink, 0.05f);
        if (b.area() == 0) return ds::fail(err, DS_ERR_ARGUMENT, "digit has no ink");
        double s = (double)o->box / std::max(b.width, b.height);
        // Stroke thickness brought towards MNIST's: grow thin pen strokes, thin marker strokes.
        if (o->stroke > 0 && stroke > 0) {
            double now = stroke * s;
            int grow = (int)std::lround((o->stroke - now) / s);
            if (now < o->stroke * 0.75 && grow >= 1) {
                cv::dilate(ink, ink, cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(grow + 1, grow + 1)));
            } else if (now > o->stroke * 1.6) {
                int shrink = (int)std::lround((now - o->stroke) / s);
                if (shrink >= 2) {
                    cv::Mat e;
                    cv::erode(ink, e, cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(shrink + 1, shrink + 1)));
                    if (cv::countNonZero(e > 0.5f) > cv::countNonZero(ink > 0.5f) / 4) ink = e;
                }
            }
            b = inkBounds(ink, 0.05f);
            if (b.area() == 0) return ds::fail(err, DS_ERR_ARGUMENT, "digit has no ink");
            s = (double)o->box / std::max(b.width, b.height);
        }
        int nw = std::max(1, (int)std::lround(b.width * s)), nh = std::max(1, (int)std::lround(b.height * s));
        cv::Mat patch;
        cv::resize(ink(b), patch, cv::Size(nw, nh), 0, 0, s < 1 ? cv::INTER_AREA : cv::INTER_LINEAR);
        cv::Moments pm = cv::moments(patch);
        double mx = pm.m00 > 0 ? pm.m10 / pm.m00 : nw / 2.0, my = pm.m00 > 0 ? pm.m01 / pm.m00 : nh / 2.0;
        cv::Mat M = (cv::Mat_<double>(2, 3) << 1, 0, o->center_x - mx, 0, 1, o->center_y - my);
        cv::Mat sample(o->size, o->size, CV_32FC1, out);
        cv::warpAffine(patch, sample, M, sample.size(), cv::INTER_LINEAR, cv::BORDER_CONSTANT, 0);
        // MNIST's strokes reach full intensity; resampling softens the peak a little, so restore it.
        double peak = 0;
        cv::minMaxLoc(sample, nullptr, &peak);
        if (peak > 0.2) sample *= 1.0 / peak;
        cv::min(sample, 1.0, sample);
        cv::max(sample, 0.0, sample);
        return DS_OK;
    });
}
