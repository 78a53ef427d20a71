/* digitdnn: OpenCV's dnn module running an ONNX model, as an independent second engine for the CNN.
 * Kept apart from digitshim so that only what uses it links opencv_dnn. Same conventions as digitshim.h. */
#ifndef DIGITDNN_H
#define DIGITDNN_H

#include "digitshim.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ds_onnx_net ds_onnx_net;

/* Loads an ONNX file with cv::dnn::readNetFromONNX. */
int32_t ds_onnx_load(const char *path, ds_onnx_net **out, ds_error *err);

/* Runs `count` images (count*784 floats, [N,1,28,28], pixels in [0,1]) and writes count*classes outputs. */
int32_t ds_onnx_run(ds_onnx_net *net, const float *input, int32_t count, float *out, int32_t classes, ds_error *err);

void ds_onnx_free(ds_onnx_net *net);

#ifdef __cplusplus
}
#endif

#endif
