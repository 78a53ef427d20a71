// OpenCV's own ONNX importer and inference, to run exported models independently of DigitNet.
#include "../Guard.hpp"
#include "digitdnn.h"
#include <cstring>
#include <opencv2/dnn.hpp>

struct ds_onnx_net {
    cv::dnn::Net net;
};

int32_t ds_onnx_load(const char *path, ds_onnx_net **out, ds_error *err) {
    return ds::guarded(err, [&]() -> int32_t {
        if (!path || !out) return ds::fail(err, DS_ERR_ARGUMENT, "no path");
        auto *n = new ds_onnx_net{cv::dnn::readNetFromONNX(path)};
        if (n->net.empty()) { delete n; return ds::fail(err, DS_ERR_DECODE, std::string(path) + ": OpenCV could not load the ONNX model"); }
        n->net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
        n->net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
        *out = n;
        return DS_OK;
    });
}

int32_t ds_onnx_run(ds_onnx_net *net, const float *input, int32_t count, float *out, int32_t classes, ds_error *err) {
    return ds::guarded(err, [&]() -> int32_t {
        if (!net || !input || !out || count <= 0) return ds::fail(err, DS_ERR_ARGUMENT, "bad arguments");
        int dims[4] = {count, 1, 28, 28};
        cv::Mat blob(4, dims, CV_32F, const_cast<float *>(input));
        net->net.setInput(blob);
        cv::Mat result = net->net.forward();
        if ((int64_t)result.total() != (int64_t)count * classes)
            return ds::fail(err, DS_ERR_INTERNAL, "model gave " + std::to_string(result.total()) + " outputs, expected " +
                                                      std::to_string((int64_t)count * classes));
        std::memcpy(out, result.ptr<float>(), sizeof(float) * (size_t)count * classes);
        return DS_OK;
    });
}

void ds_onnx_free(ds_onnx_net *net) { delete net; }
