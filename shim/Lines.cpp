// Stage 4 helpers: long straight runs of ink (ruled lines, printed grids) and connected components.
#include "Guard.hpp"
#include <opencv2/imgproc.hpp>

int32_t ds_find_lines(const ds_image *binary, int32_t min_length, uint8_t *horizontal, uint8_t *vertical,
                      ds_error *err) {
    return ds::guarded(err, [&]() -> int32_t {
        cv::Mat b = ds::view(binary);
        if (!horizontal || !vertical || min_length < 2) return ds::fail(err, DS_ERR_ARGUMENT, "bad line arguments");
        cv::Mat h(b.rows, b.cols, CV_8UC1, horizontal), v(b.rows, b.cols, CV_8UC1, vertical);
        cv::morphologyEx(b, h, cv::MORPH_OPEN, cv::getStructuringElement(cv::MORPH_RECT, cv::Size(min_length, 1)));
        cv::morphologyEx(b, v, cv::MORPH_OPEN, cv::getStructuringElement(cv::MORPH_RECT, cv::Size(1, min_length)));
        return DS_OK;
    });
}

int32_t ds_components(const ds_image *binary, int32_t *labels, ds_component *components, int32_t capacity,
                      int32_t *count, ds_error *err) {
    return ds::guarded(err, [&]() -> int32_t {
        cv::Mat b = ds::view(binary);
        if (!labels || !count) return ds::fail(err, DS_ERR_ARGUMENT, "bad component arguments");
        cv::Mat lab(b.rows, b.cols, CV_32SC1, labels), stats, centroids;
        int n = cv::connectedComponentsWithStats(b, lab, stats, centroids, 8, CV_32S);
        *count = n - 1;
        for (int i = 1; i < n && i - 1 < capacity; i++) {
            ds_component &c = components[i - 1];
            c.label = i;
            c.x = stats.at<int>(i, cv::CC_STAT_LEFT);
            c.y = stats.at<int>(i, cv::CC_STAT_TOP);
            c.width = stats.at<int>(i, cv::CC_STAT_WIDTH);
            c.height = stats.at<int>(i, cv::CC_STAT_HEIGHT);
            c.area = stats.at<int>(i, cv::CC_STAT_AREA);
            c.cx = centroids.at<double>(i, 0);
            c.cy = centroids.at<double>(i, 1);
        }
        return DS_OK;
    });
}
